import { Graph, layout } from '@dagrejs/dagre';
import type { FlowGraph } from '../api';

// A node of the drawn flow: a dataset or a recipe, where dagre placed its centre.
export interface PlacedNode {
  key: string;
  kind: 'dataset' | 'recipe';
  name: string;
  detail: string;
  stale: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  key: string;
  points: { x: number; y: number }[];
}

export interface PlacedFlow {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const DATASET_SIZE = { width: 168, height: 44 };
export const RECIPE_SIZE = { width: 132, height: 44 };

// Datasets and recipes left to right, inputs before the recipe that reads them. A
// dataset is out of date when the recipe that makes it is.
export function placeFlow(flow: FlowGraph): PlacedFlow {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const staleRecipes = new Set(flow.recipes.filter((r) => !r.up_to_date).map((r) => r.name));
  const nodes = new Map<string, Omit<PlacedNode, 'x' | 'y'>>();
  for (const d of flow.datasets) {
    nodes.set('d:' + d.name, {
      key: 'd:' + d.name,
      kind: 'dataset',
      name: d.name,
      detail: d.connection,
      stale: staleRecipes.has(d.recipe),
      ...DATASET_SIZE,
    });
  }
  for (const r of flow.recipes) {
    nodes.set('r:' + r.name, {
      key: 'r:' + r.name,
      kind: 'recipe',
      name: r.name,
      detail: r.type + (r.engine ? ' · ' + r.engine : ''),
      stale: !r.up_to_date,
      ...RECIPE_SIZE,
    });
  }
  for (const [key, node] of nodes) graph.setNode(key, { width: node.width, height: node.height });
  for (const r of flow.recipes) {
    for (const input of r.inputs) if (nodes.has('d:' + input)) graph.setEdge('d:' + input, 'r:' + r.name);
    for (const output of r.outputs) if (nodes.has('d:' + output)) graph.setEdge('r:' + r.name, 'd:' + output);
  }
  performance.mark('mortar:flow-layout-start');
  layout(graph);
  performance.mark('mortar:flow-layout-end');
  const placed: PlacedNode[] = [];
  for (const [key, node] of nodes) {
    const at = graph.node(key);
    placed.push({ ...node, x: at.x ?? 0, y: at.y ?? 0 });
  }
  const edges = graph.edges().map((e) => ({
    key: e.v + '>' + e.w,
    points: (graph.edge(e).points ?? []) as { x: number; y: number }[],
  }));
  const size = graph.graph();
  return { nodes: placed, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
