import { useEffect, useState } from 'react';
import { api, type ColumnType, type DatasetInfo, type DatasetStatistics } from '../api';
import { useAction } from '../useAction';
import { useApi } from '../useApi';
import { RowsPreview } from './RowsPreview';
import { SettingsEditor } from './SettingsEditor';
import { SaveCancel } from '../SaveCancel';

function query(project: string, extra = '') {
  return '?project=' + encodeURIComponent(project) + extra;
}

const count = new Intl.NumberFormat('en-US');

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

// Mortar's types, offered as each column's type is typed (decimal(p,s) takes any
// precision and scale).
const TYPES = ['string', 'int64', 'int32', 'int16', 'int8', 'double', 'float', 'boolean', 'date', 'timestamp', 'timestamp_ntz', 'binary', 'decimal(38,2)'];

// The recorded schema's types, each column beside the type its data has now.
function SchemaEditor({
  project,
  name,
  columns,
  onDone,
}: {
  project: string;
  name: string;
  columns: ColumnType[];
  onDone: (saved: boolean) => void;
}) {
  const [types, setTypes] = useState(columns.map((c) => c.type));
  const { data: detected, error: detectError } = useApi<{ columns: ColumnType[] }>(
    `/api/datasets/${name}/detected-schema${query(project)}`,
  );
  const { busy, error, run } = useAction();
  const detectedType = (column: string) => detected?.columns.find((c) => c.name === column)?.type ?? '';
  const save = () =>
    run(async () => {
      await api('PUT', `/api/datasets/${name}/schema${query(project)}`, {
        columns: columns.map((c, i) => ({ name: c.name, type: types[i] })),
      });
      onDone(true);
    });
  return (
    <div id="schema-editor">
      <datalist id="schema-types">
        {TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <table>
        <tbody>
          {columns.map((c, i) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>
                <input
                  id={'schema-type-' + c.name}
                  list="schema-types"
                  value={types[i]}
                  onChange={(e) => setTypes(types.map((t, j) => (j === i ? e.target.value : t)))}
                />
              </td>
              <td className="detail" id={'schema-detected-' + c.name}>
                {detectedType(c.name) && 'detected: ' + detectedType(c.name)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="error">{detectError}</p>
      <div className="actions">
        <button id="schema-use-detected" disabled={!detected} onClick={() => setTypes(columns.map((c, i) => detectedType(c.name) || types[i]))}>
          Use the detected types
        </button>
        <SaveCancel id="schema" busy={busy} onSave={save} onCancel={() => onDone(false)} />
      </div>
      <p id="schema-error" className="error">
        {error}
      </p>
    </div>
  );
}

// A dataset: its settings, schema, rows and column statistics.
export function DatasetView({ project, name }: { project: string; name: string }) {
  const { data: info, error, reload } = useApi<DatasetInfo>(`/api/datasets/${name}${query(project)}`);
  const [editing, setEditing] = useState(false);
  const [editingSettings, setEditingSettings] = useState(false);
  // Bumped when the schema is saved: the rows are read again with its types.
  const [saves, setSaves] = useState(0);
  useEffect(() => {
    setEditing(false);
    setEditingSettings(false);
  }, [project, name]);
  if (error) return <p className="error" id="dataset-error">{error}</p>;
  if (!info) return <p>Loading {name}…</p>;
  const columns = info.columns ?? info.recorded_schema ?? [];
  return (
    <section id="dataset-view">
      <h2>{info.name}</h2>
      {editingSettings ? (
        <SettingsEditor
          project={project}
          info={info}
          onDone={(saved) => {
            setEditingSettings(false);
            if (saved) {
              setSaves(saves + 1);
              reload();
            }
          }}
        />
      ) : (
        <>
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
          <button id="settings-edit" onClick={() => setEditingSettings(true)}>
            Edit settings
          </button>
        </>
      )}
      <h3>Schema</h3>
      {!info.recorded_schema && <p className="note">Not recorded yet: the columns below are detected from the data.</p>}
      {editing ? (
        <SchemaEditor
          project={project}
          name={name}
          columns={columns}
          onDone={(saved) => {
            setEditing(false);
            if (saved) {
              setSaves(saves + 1);
              reload();
            }
          }}
        />
      ) : (
        <>
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
          <button id="schema-edit" onClick={() => setEditing(true)}>
            Edit the schema
          </button>
        </>
      )}
      {info.exists ? (
        <>
          <RowsPreview key={saves} project={project} name={name} />
          <Statistics project={project} name={name} />
        </>
      ) : (
        <p id="dataset-missing">No data yet: build it from the flow.</p>
      )}
    </section>
  );
}
