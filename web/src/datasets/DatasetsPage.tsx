import type { FlowGraph } from '../api';
import { useApi } from '../useApi';
import { DatasetView } from './DatasetView';
import { ImportForm } from './ImportForm';

// The project's datasets; the one named in the address (#/datasets/NAME) opened.
export function DatasetsPage({ project, open }: { project: string; open: string | null }) {
  const { data: flow, error, reload } = useApi<FlowGraph>('/api/flow?project=' + encodeURIComponent(project));
  return (
    <div className="datasets-page">
      <nav className="dataset-list">
        <h2>Datasets</h2>
        <p className="error">{error}</p>
        <ul id="datasets">
          {flow?.datasets.map((d) => (
            <li key={d.name} className={d.name === open ? 'current' : ''}>
              <a id={'dataset-' + d.name} href={'#/datasets/' + d.name}>
                {d.name}
              </a>{' '}
              <span className="detail">{d.connection}</span>
            </li>
          ))}
        </ul>
        <a id="dataset-import" href="#/datasets/+import">
          Import a dataset…
        </a>
      </nav>
      <div className="dataset-main">
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
      </div>
    </div>
  );
}
