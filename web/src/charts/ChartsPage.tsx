import type { ChartData, FlowGraph } from '../api';
import { ItemsPage } from '../ItemsPage';
import { useApi } from '../useApi';
import { ChartBuilder } from './ChartBuilder';

interface ChartList {
  project: string;
  charts: { name: string; dataset: string }[];
}

// The project's charts; the one named in the address (#/charts/NAME) opened in the
// builder with its picture, or a new one (#/charts/+new).
export function ChartsPage({ project, open }: { project: string; open: string | null }) {
  const query = '?project=' + encodeURIComponent(project);
  const { data: list, error, reload } = useApi<ChartList>('/api/charts' + query);
  const { data: flow } = useApi<FlowGraph>('/api/flow' + query);
  const saved = (name: string) => {
    reload();
    window.location.hash = '#/charts/' + name;
  };
  return (
    <ItemsPage
      title="Charts"
      listId="chart-list"
      linkId={(name) => 'chart-link-' + name}
      page="charts"
      items={list?.charts.map((c) => ({ name: c.name, detail: c.dataset }))}
      open={open}
      error={error}
      make={{ id: 'chart-new', item: '+new', label: 'New chart…' }}
    >
      {flow && open === '+new' && <ChartBuilder key="new" project={project} flow={flow} existing={null} onSaved={saved} />}
      {flow && open && open !== '+new' && <OpenChart project={project} name={open} flow={flow} onSaved={saved} />}
      {!open && <p>Choose a chart, or make a new one.</p>}
    </ItemsPage>
  );
}

function OpenChart({
  project,
  name,
  flow,
  onSaved,
}: {
  project: string;
  name: string;
  flow: FlowGraph;
  onSaved: (name: string) => void;
}) {
  const { data, error } = useApi<ChartData>(`/api/charts/${name}?project=${encodeURIComponent(project)}`);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p>Drawing {name}…</p>;
  return <ChartBuilder key={name} project={project} flow={flow} existing={data} onSaved={onSaved} />;
}
