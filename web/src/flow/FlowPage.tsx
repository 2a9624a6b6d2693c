import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, message, type FlowGraph, type Me } from '../api';
import { useApi } from '../useApi';
import { BuildPanel } from './BuildPanel';
import type { RecipeActivity, RecipeProgress } from './buildProgress';
import { FlowDiagram } from './FlowDiagram';
import { placeFlow } from './layout';

// What "build" means for the selection: a dataset itself, a recipe's outputs; with
// nothing selected, every dataset no recipe reads (which builds the whole flow).
function buildTargets(flow: FlowGraph, selected: string | null): string[] {
  if (selected?.startsWith('d:')) return [selected.slice(2)];
  if (selected?.startsWith('r:')) return flow.recipes.find((r) => r.name === selected.slice(2))?.outputs ?? [];
  const read = new Set(flow.recipes.flatMap((r) => r.inputs));
  return flow.datasets.filter((d) => d.recipe && !read.has(d.name)).map((d) => d.name);
}

function Details({ flow, selected }: { flow: FlowGraph; selected: string }) {
  const name = selected.slice(2);
  if (selected.startsWith('d:')) {
    const d = flow.datasets.find((x) => x.name === name);
    if (!d) return null;
    const maker = flow.recipes.find((r) => r.name === d.recipe);
    return (
      <dl id="flow-details">
        <dt>Dataset</dt>
        <dd>{d.name}</dd>
        <dt>Connection</dt>
        <dd>{d.connection}</dd>
        <dt>Type</dt>
        <dd>{d.type}</dd>
        <dt>Made by</dt>
        <dd>{d.recipe ? d.recipe + (maker && !maker.up_to_date ? ' (out of date)' : ' (up to date)') : 'no recipe: an input of the flow'}</dd>
        <dt>Read by</dt>
        <dd>{flow.recipes.filter((r) => r.inputs.includes(d.name)).map((r) => r.name).join(', ') || 'no recipe'}</dd>
        <dd>
          <a id="flow-open-dataset" href={'#/datasets/' + d.name}>
            Open: schema, rows, statistics
          </a>
        </dd>
      </dl>
    );
  }
  const r = flow.recipes.find((x) => x.name === name);
  if (!r) return null;
  return (
    <dl id="flow-details">
      <dt>Recipe</dt>
      <dd>{r.name}</dd>
      <dt>Type</dt>
      <dd>{r.type}</dd>
      <dt>Engine</dt>
      <dd>{r.engine || 'chosen when it runs'}</dd>
      <dt>Reads</dt>
      <dd>{r.inputs.join(', ')}</dd>
      <dt>Writes</dt>
      <dd>{r.outputs.join(', ')}</dd>
      <dt>State</dt>
      <dd>{r.up_to_date ? 'up to date' : 'out of date: an input or its settings changed since it last ran'}</dd>
      <dd>
        <a id="flow-open-recipe" href={'#/recipes/' + r.name}>
          Open: settings, engine and SQL
        </a>
      </dd>
    </dl>
  );
}

// A project's datasets and recipes as a graph, with what is out of date marked.
export function FlowPage({ me, project }: { me: Me; project: string }) {
  const { data: flow, error: loadError, reload } = useApi<FlowGraph>(
    project ? '/api/flow?project=' + encodeURIComponent(project) : null,
  );
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [activity, setActivity] = useState<Record<string, RecipeActivity>>({});
  useEffect(() => {
    performance.mark('mortar:flow-open');
    setSelected(null);
    setJobId(null);
    setActivity({});
    setError('');
  }, [project]);
  const placed = useMemo(() => (flow ? placeFlow(flow) : null), [flow]);
  // Marks for bench/studio_flow.py: from asking for the flow to its graph on screen.
  useEffect(() => {
    if (placed) requestAnimationFrame(() => performance.mark('mortar:flow-drawn'));
  }, [placed]);
  const stale = flow?.recipes.filter((r) => !r.up_to_date).length ?? 0;
  const role = me.projects.find((p) => p.name === project)?.role;
  const mayBuild = role === 'write' || role === 'admin';
  const targets = flow ? buildTargets(flow, selected) : [];

  const build = async () => {
    setStarting(true);
    setError('');
    try {
      const r = await api<{ job: string }>('POST', '/api/builds', { project, datasets: targets, force });
      setActivity({});
      setJobId(r.job);
    } catch (e) {
      setError(message(e));
    } finally {
      setStarting(false);
    }
  };
  const onProgress = useCallback((recipes: RecipeProgress[]) => {
    setActivity(Object.fromEntries(recipes.map((r) => [r.recipe, r.state])));
  }, []);

  if (!project) return <p id="flow-error">You have no role on any project yet: a project admin can grant you one.</p>;
  return (
    <section className="flow-page">
      <div className="flow-head">
        {flow && (
          <span id="flow-summary">
            {flow.datasets.length} datasets, {flow.recipes.length} recipes
            {stale ? `, ${stale} out of date` : ', all up to date'}
          </span>
        )}
        {flow && mayBuild && (
          <span className="build-controls">
            <button id="flow-build" onClick={build} disabled={starting || targets.length === 0}>
              {selected ? 'Build ' + targets.join(', ') : 'Build the flow'}
            </button>
            <label>
              <input id="flow-force" type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />{' '}
              also what is up to date
            </label>
          </span>
        )}
      </div>
      <p className="legend">
        Datasets are boxes, recipes rounded; dashed with a dot: out of date. Wheel or +/− to zoom, drag to pan.
      </p>
      <p id="flow-error" className="error">
        {error || loadError}
      </p>
      {placed && flow && (
        <div className="flow-body">
          <FlowDiagram flow={placed} selected={selected} activity={activity} onSelect={setSelected} />
          <aside className="flow-side">
            {selected ? <Details flow={flow} selected={selected} /> : <p>Select a dataset or a recipe.</p>}
            {jobId && <BuildPanel key={jobId} jobId={jobId} onProgress={onProgress} onEnd={reload} />}
          </aside>
        </div>
      )}
    </section>
  );
}
