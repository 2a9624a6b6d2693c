import type { FlowGraph } from '../api';
import { ItemsPage } from '../ItemsPage';
import { useApi } from '../useApi';
import { DatasetView } from './DatasetView';
import { ImportForm } from './ImportForm';

// The project's datasets; the one named in the address (#/datasets/NAME) opened.
export function DatasetsPage({ project, open }: { project: string; open: string | null }) {
  const { data: flow, error, reload } = useApi<FlowGraph>('/api/flow?project=' + encodeURIComponent(project));
  return (
    <ItemsPage
      title="Datasets"
      listId="datasets"
      linkId={(name) => 'dataset-' + name}
      page="datasets"
      items={flow?.datasets.map((d) => ({ name: d.name, detail: d.connection }))}
      open={open}
      error={error}
      make={{ id: 'dataset-import', item: '+import', label: 'Import a dataset…' }}
    >
      {open === '+import' ? (
        <ImportForm
          project={project}
          onImported={(name) => {
            reload();
            window.location.hash = '#/datasets/' + name;
          }}
        />
      ) : open ? (
        <DatasetView project={project} name={open} />
      ) : (
        <p>Choose a dataset, or import one.</p>
      )}
    </ItemsPage>
  );
}
