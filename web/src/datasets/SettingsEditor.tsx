import { useState } from 'react';
import { api, type Connection, type DatasetInfo } from '../api';
import { ConnectionSelect } from '../connections/ConnectionSelect';
import { useAction } from '../useAction';
import { useApi } from '../useApi';

// Where a dataset's data is: its connection and its params (a path and format, or a
// table), saved whole once the dataset opens with them.
export function SettingsEditor({ project, info, onDone }: { project: string; info: DatasetInfo; onDone: (saved: boolean) => void }) {
  const { data: connections } = useApi<Connection[]>('/api/connections');
  const [connection, setConnection] = useState(info.connection);
  const [paramsText, setParamsText] = useState(JSON.stringify(info.params, null, 2));
  const { busy, error, errorField, run } = useAction();
  const save = () =>
    run(async () => {
      let params: unknown;
      try {
        params = JSON.parse(paramsText);
      } catch {
        throw new Error('the params are not JSON');
      }
      await api('PUT', `/api/datasets/${info.name}/settings?project=${encodeURIComponent(project)}`, { connection, params });
      onDone(true);
    });
  return (
    <div id="settings-editor" className="connection-form">
      <label className="field">
        <span>Connection</span>
        <ConnectionSelect id="settings-connection" connections={connections} value={connection} onChange={setConnection} />
      </label>
      <label className="field wide">
        <span>Params (JSON)</span>
        <textarea id="settings-params" className="code" rows={6} spellCheck={false} value={paramsText} onChange={(e) => setParamsText(e.target.value)} />
        <small>
          a files dataset: path, format and its options; a table: table, schema, catalog (docs/getting-started.md, Datasets). Changing them
          forgets the recorded schema: it is detected again, or written by the dataset's recipe.
        </small>
      </label>
      <div className="actions">
        <button id="settings-save" disabled={busy} onClick={save}>
          Save
        </button>
        <button id="settings-cancel" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      <p id="settings-error" className="error">
        {error}
        {errorField && <span className="detail"> (at {errorField})</span>}
      </p>
    </div>
  );
}
