import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { RecipeActivity } from './buildProgress';
import type { PlacedFlow, PlacedNode } from './layout';

interface View {
  x: number;
  y: number;
  scale: number;
}

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;

function clampScale(scale: number) {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

// The whole flow fitted into the frame, never enlarged past its natural size.
function fitted(flow: PlacedFlow, frame: { width: number; height: number }): View {
  const scale = clampScale(Math.min(1, frame.width / Math.max(flow.width, 1), frame.height / Math.max(flow.height, 1)));
  return { x: (frame.width - flow.width * scale) / 2, y: Math.max(0, (frame.height - flow.height * scale) / 2), scale };
}

function edgePath(points: { x: number; y: number }[]) {
  return points.map((p, i) => (i === 0 ? 'M' : 'L') + p.x.toFixed(1) + ' ' + p.y.toFixed(1)).join(' ');
}

// Labels cut to what fits the node, the full name kept in the title.
function shortened(text: string, most: number) {
  return text.length > most ? text.slice(0, most - 1) + '…' : text;
}

function NodeShape({
  node,
  selected,
  activity,
  onSelect,
}: {
  node: PlacedNode;
  selected: boolean;
  activity?: RecipeActivity;
  onSelect: () => void;
}) {
  const left = node.x - node.width / 2;
  const top = node.y - node.height / 2;
  const classes = ['node', node.kind, node.stale ? 'stale' : 'fresh', selected ? 'selected' : '', activity ?? '']
    .join(' ')
    .trim();
  return (
    <g
      className={classes}
      id={'node-' + node.kind + '-' + node.name}
      onClick={(event) => {
        event.stopPropagation();
        onSelect();
      }}
    >
      <title>
        {node.kind} {node.name} ({node.detail}){node.stale ? ', out of date' : ''}
      </title>
      <rect x={left} y={top} width={node.width} height={node.height} rx={node.kind === 'recipe' ? 22 : 4} />
      <text x={node.x} y={top + 18} textAnchor="middle" className="name">
        {shortened(node.name, 22)}
      </text>
      <text x={node.x} y={top + 34} textAnchor="middle" className="detail">
        {shortened(node.detail, 24)}
      </text>
      {node.stale && <circle cx={left + node.width - 7} cy={top + 7} r={4} className="stale-mark" />}
    </g>
  );
}

// The flow drawn in SVG: the wheel zooms around the pointer, dragging pans, a click on
// a node selects it.
export function FlowDiagram({
  flow,
  selected,
  activity,
  onSelect,
}: {
  flow: PlacedFlow;
  selected: string | null;
  activity: Record<string, RecipeActivity>;
  onSelect: (key: string | null) => void;
}) {
  const frame = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  // A drag that panned ends in a click, which must not change the selection.
  const panned = useRef(false);
  const select = (key: string | null) => {
    if (!panned.current) onSelect(key);
  };

  const fit = () => {
    const box = frame.current?.getBoundingClientRect();
    if (box) setView(fitted(flow, box));
  };
  useEffect(fit, [flow]);
  useEffect(() => {
    const svg = frame.current;
    if (!svg) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      const px = event.clientX - box.left;
      const py = event.clientY - box.top;
      setView((v) => {
        const scale = clampScale(v.scale * Math.exp(-event.deltaY * 0.0015));
        const k = scale / v.scale;
        return { scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k };
      });
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
    panned.current = false;
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!d.moved) event.currentTarget.setPointerCapture(event.pointerId);
    d.moved = true;
    d.x = event.clientX;
    d.y = event.clientY;
    setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
  };
  const onPointerUp = () => {
    panned.current = drag.current?.moved ?? false;
    drag.current = null;
  };
  const zoomBy = (factor: number) => {
    const box = frame.current?.getBoundingClientRect();
    const cx = (box?.width ?? 0) / 2;
    const cy = (box?.height ?? 0) / 2;
    setView((v) => {
      const scale = clampScale(v.scale * factor);
      const k = scale / v.scale;
      return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
    });
  };

  return (
    <div className="flow-frame">
      <div className="flow-tools">
        <button id="flow-zoom-in" onClick={() => zoomBy(1.25)} title="Zoom in">
          +
        </button>
        <button id="flow-zoom-out" onClick={() => zoomBy(0.8)} title="Zoom out">
          −
        </button>
        <button id="flow-fit" onClick={fit} title="Fit the whole flow">
          Fit
        </button>
      </div>
      <svg
        ref={frame}
        id="flow-graph"
        className="flow-graph"
        data-scale={view.scale.toFixed(3)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onClick={() => select(null)}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0 0 L10 5 L0 10 z" className="arrow" />
          </marker>
        </defs>
        <g transform={`translate(${view.x} ${view.y}) scale(${view.scale})`}>
          {flow.edges.map((e) => (
            <path key={e.key} d={edgePath(e.points)} className="edge" markerEnd="url(#arrow)" />
          ))}
          {flow.nodes.map((n) => (
            <NodeShape
              key={n.key}
              node={n}
              selected={n.key === selected}
              activity={n.kind === 'recipe' ? activity[n.name] : undefined}
              onSelect={() => select(n.key)}
            />
          ))}
        </g>
      </svg>
    </div>
  );
}
