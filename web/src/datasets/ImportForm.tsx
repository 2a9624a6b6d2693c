import { useState } from 'react';
import { api, type Connection, type DatasetInfo } from '../api';
import { ConnectionSelect, isSqlConnection } from '../connections/ConnectionSelect';
import { Browse } from '../home/Browse';
import { FolderBrowse } from './FolderBrowse';
import { useAction } from '../useAction';
import { useApi } from '../useApi';

// A new dataset from a connection: a table picked by browsing a SQL connection, or a
// path of a files connection, typed or picked by browsing its folders; its schema is
// detected from the data.
export function ImportForm({ project, onImported }: { project: string; onImported: (name: string) => void }) {
  const { data: connections } = useApi<Connection[]>('/api/connections');
  const [connection, setConnection] = useState('');
  const [path, setPath] = useState('');
  const [format, setFormat] = useState('');
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const chosen = connections?.find((c) => c.name === connection);
  const isSql = isSqlConnection(chosen);

  const importSource = (source: string) =>
    run(async () => {
      const info = await api<DatasetInfo>('POST', '/api/datasets?project=' + encodeURIComponent(project), {
        connection,
        source,
        name,
        format: isSql ? '' : format,
      });
      onImported(info.name);
    });
  return (
    <section id="import-form" className="connection-form">
      <h2>Import a dataset</h2>
      <label className="field">
        <span>From connection</span>
        <ConnectionSelect
          id="import-connection"
          connections={connections}
          value={connection}
          onChange={setConnection}
          placeholder="(choose)"
        />
      </label>
      <label className="field">
        <span>Dataset name</span>
        <input id="import-name" value={name} placeholder="the table's or file's name" onChange={(e) => setName(e.target.value)} />
      </label>
      {chosen && !isSql && (
        <>
          <label className="field">
            <span>Path</span>
            <input id="import-path" value={path} placeholder="a file or folder" onChange={(e) => setPath(e.target.value)} />
          </label>
          <label className="field">
            <span>Format</span>
            <select id="import-format" value={format} onChange={(e) => setFormat(e.target.value)}>
              <option value="">from the file's extension</option>
              <option value="csv">csv</option>
              <option value="parquet">parquet</option>
            </select>
          </label>
          <button id="import-path-button" disabled={busy || !path} onClick={() => importSource(path)}>
            Import
          </button>
          <FolderBrowse connection={connection} onPick={setPath} />
        </>
      )}
      {isSql && <Browse connection={connection} onTable={importSource} />}
      <p id="import-error" className="error">
        {error}
      </p>
    </section>
  );
}
