import { useEffect, useState } from 'react';
import { api, type DatasetInfo, type DatasetStatistics, type RowsPage } from '../api';
import { readable } from '../table';
import { useAction } from '../useAction';
import { useApi } from '../useApi';

const PAGE_ROWS = 50;

function query(project: string, extra = '') {
  return '?project=' + encodeURIComponent(project) + extra;
}

const count = new Intl.NumberFormat('en-US');

// One page of rows at a time, read from the dataset as the CLI's preview does.
function Preview({ project, name }: { project: string; name: string }) {
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [project, name]);
  const { data: page, error } = useApi<RowsPage>(
    `/api/datasets/${name}/rows${query(project, `&offset=${offset}&limit=${PAGE_ROWS}`)}`,
  );
  return (
    <section>
      <h3>Rows</h3>
      <p className="error">{error}</p>
      {page && (
        <>
          <div className="pager">
            <button id="rows-previous" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_ROWS))}>
              Previous
            </button>
            <span id="rows-range">
              {page.rows.length === 0
                ? 'no rows'
                : `rows ${count.format(offset + 1)} to ${count.format(offset + page.rows.length)}`}
            </span>
            <button id="rows-next" disabled={!page.more} onClick={() => setOffset(offset + PAGE_ROWS)}>
              Next
            </button>
          </div>
          <div className="scroll">
            <table id="rows">
              <thead>
                <tr>
                  {page.columns.map((c) => (
                    <th key={c.name} title={c.type}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.rows.map((values, r) => (
                  <tr key={offset + r}>
                    {values.map((v, i) => (
                      <td key={i} className={v === null ? 'null' : ''}>
                        {readable(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// Column statistics, computed by a database when asked (they read every row).
function Statistics({ project, name }: { project: string; name: string }) {
  const [statistics, setStatistics] = useState<DatasetStatistics | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => setStatistics(null), [project, name]);
  const compute = () =>
    run(async () => {
      setStatistics(await api<DatasetStatistics>('GET', `/api/datasets/${name}/statistics${query(project)}`));
    });
  return (
    <section>
      <h3>Column statistics</h3>
      <button id="statistics-compute" onClick={compute} disabled={busy}>
        {busy ? 'Computing…' : statistics ? 'Compute again' : 'Compute'}
      </button>
      <p className="error">{error}</p>
      {statistics && (
        <>
          <p id="statistics-summary">
            {count.format(statistics.rows)} rows, computed{' '}
            {statistics.engine === 'in-database' ? 'in the database' : 'locally (rows copied to SQLite)'}
          </p>
          <table id="statistics">
            <thead>
              <tr>
                <th>Column</th>
                <th>Type</th>
                <th>Nulls</th>
                <th>Distinct</th>
                <th>Min</th>
                <th>Max</th>
                <th>Most frequent</th>
              </tr>
            </thead>
            <tbody>
              {statistics.columns.map((c) => (
                <tr key={c.name} id={'statistics-' + c.name}>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td className="number">{count.format(c.nulls)}</td>
                  <td className="number">{c.distinct === null ? '' : count.format(c.distinct)}</td>
                  <td>{c.min ?? ''}</td>
                  <td>{c.max ?? ''}</td>
                  <td className="top">
                    {c.top.map((t) => `${t.value === null ? 'NULL' : t.value} (${count.format(t.count)})`).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

// A dataset: its settings, schema, rows and column statistics.
export function DatasetView({ project, name }: { project: string; name: string }) {
  const { data: info, error } = useApi<DatasetInfo>(`/api/datasets/${name}${query(project)}`);
  if (error) return <p className="error" id="dataset-error">{error}</p>;
  if (!info) return <p>Loading {name}…</p>;
  const columns = info.columns ?? info.recorded_schema ?? [];
  return (
    <section id="dataset-view">
      <h2>{info.name}</h2>
      <dl className="settings" id="dataset-settings">
        <dt>Connection</dt>
        <dd>{info.connection}</dd>
        <dt>Type</dt>
        <dd>{info.type}</dd>
        {Object.entries(info.params).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
        <dt>Made by</dt>
        <dd>{info.recipe || 'no recipe: an input of the flow'}</dd>
      </dl>
      <h3>Schema</h3>
      {!info.recorded_schema && <p className="note">Not recorded yet: the columns below are detected from the data.</p>}
      <table id="dataset-schema">
        <tbody>
          {columns.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {info.exists ? (
        <>
          <Preview project={project} name={name} />
          <Statistics project={project} name={name} />
        </>
      ) : (
        <p id="dataset-missing">No data yet: build it from the flow.</p>
      )}
    </section>
  );
}
