import { useState } from 'react';
import { api, type Connection, type DatasetInfo } from '../api';
import { ConnectionSelect, isSqlConnection } from '../connections/ConnectionSelect';
import { paramOfField } from '../recipes/VisualParamsForm';
import { useAction } from '../useAction';
import { useApi } from '../useApi';
import { type DatasetKind, DatasetParamsFields } from './DatasetParamsFields';
import { SaveCancel } from '../SaveCancel';

function parsed(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// Where a dataset's data is: its connection and its params, as fields for the kind of
// dataset the connection makes and as the JSON they set (either may be edited), saved
// whole once the dataset opens with them.
export function SettingsEditor({ project, info, onDone }: { project: string; info: DatasetInfo; onDone: (saved: boolean) => void }) {
  const { data: connections } = useApi<Connection[]>('/api/connections');
  const [connection, setConnection] = useState(info.connection);
  const [paramsText, setParamsText] = useState(JSON.stringify(info.params, null, 2));
  const { busy, error, errorField, run } = useAction();
  const kindOf = (name: string): DatasetKind | null => {
    const chosen = connections?.find((c) => c.name === name);
    if (!chosen) return null;
    if (!isSqlConnection(chosen)) return 'files';
    return info.type === 'sql_query' ? 'sql_query' : 'sql_table';
  };
  const kind = kindOf(connection);
  const params = parsed(paramsText);
  const setParams = (next: Record<string, unknown>) => setParamsText(JSON.stringify(next, null, 2));
  const changeConnection = (name: string) => {
    // Another kind of dataset: the old params mean nothing there.
    if (kindOf(name) !== kind) setParams({});
    setConnection(name);
  };
  const save = () =>
    run(async () => {
      if (!params) throw new Error('the params are not a JSON object');
      await api('PUT', `/api/datasets/${info.name}/settings?project=${encodeURIComponent(project)}`, { connection, params });
      onDone(true);
    });
  return (
    <div id="settings-editor" className="connection-form">
      <label className="field">
        <span>Connection</span>
        <ConnectionSelect id="settings-connection" connections={connections} value={connection} onChange={changeConnection} />
      </label>
      {kind && params && <DatasetParamsFields kind={kind} connection={connection} params={params} set={setParams} errorParam={paramOfField(errorField)} error={error} />}
      <label className="field wide">
        <span>Params (JSON, as the fields set them)</span>
        <textarea id="settings-params" className="code" rows={6} spellCheck={false} value={paramsText} onChange={(e) => setParamsText(e.target.value)} />
        <small>
          {params ? '' : 'not a JSON object: the fields show again once it is. '}
          Changing the params forgets the recorded schema: it is detected again, or written by the dataset's recipe.
        </small>
      </label>
      <div className="actions">
        <SaveCancel id="settings" busy={busy} onSave={save} onCancel={() => onDone(false)} />
      </div>
      <p id="settings-error" className="error">
        {error}
        {errorField && <span className="detail"> (at {errorField})</span>}
      </p>
    </div>
  );
}
