import { useState, type FormEvent } from 'react';
import { api, message, type ConnectionSettings } from '../api';
import { OutcomeLine, type Outcome } from '../table';
import { DATABRICKS_FIELDS, databricksSecrets, type Field } from './databricksFields';
import { getParam, setParam, type Params } from './params';

export const CONNECTION_TYPES = ['databricks', 'sqlite', 'filesystem', 's3', 'azure_blob'];

// Secrets each type keeps in the vault, beyond what a Databricks connection's auth needs.
const TYPE_SECRETS: Record<string, string[]> = {
  s3: ['secret_access_key', 'session_token'],
  azure_blob: ['account_key', 'sas_token'],
  databricks: ['connect_token'],
};

function FieldInput({ field, params, onChange }: { field: Field; params: Params; onChange: (p: Params) => void }) {
  const value = getParam(params, field.path);
  const id = 'param-' + field.path.replace(/\./g, '-');
  const set = (text: string) => onChange(setParam(params, field.path, text, field.kind));
  return (
    <label className="field">
      <span>{field.label}</span>
      {field.choices ? (
        <select id={id} value={value} onChange={(e) => set(e.target.value)}>
          <option value="">(default)</option>
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input id={id} value={field.kind === 'list' ? value.replace(/^\[|\]$|"/g, '') : value} onChange={(e) => set(e.target.value)} />
      )}
      {field.hint && <small>{field.hint}</small>}
    </label>
  );
}

// The params as JSON text, for types without fields of their own and for settings the
// fields do not cover.
function ParamsText({ params, onChange }: { params: Params; onChange: (p: Params) => void }) {
  const [text, setText] = useState(JSON.stringify(params, null, 2));
  const [error, setError] = useState('');
  return (
    <label className="field wide">
      <span>Settings (JSON)</span>
      <textarea
        id="param-json"
        rows={8}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('an object');
            setError('');
            onChange(parsed);
          } catch {
            setError('not a JSON object yet: the last valid one is kept');
          }
        }}
      />
      <small className={error ? 'error' : ''}>{error || 'as in docs/fast-write.md, docs/getting-started.md'}</small>
    </label>
  );
}

// The admin's form for a connection: new (no `settings`) or an existing one. Secrets are
// write-only: the form says whether each is set, never what it is.
export function ConnectionForm({
  settings,
  redirectUri,
  notice,
  onSaved,
  onDeleted,
}: {
  settings: ConnectionSettings | null;
  redirectUri: string;
  // What the form says when it opens (a new connection, once created, opens as itself).
  notice: Outcome | null;
  onSaved: (s: ConnectionSettings) => void;
  onDeleted: () => void;
}) {
  const [name, setName] = useState(settings?.name ?? '');
  const [type, setType] = useState(settings?.type ?? 'databricks');
  const [description, setDescription] = useState(settings?.description ?? '');
  const [params, setParams] = useState<Params>(settings?.params ?? {});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | null>(notice);
  const [busy, setBusy] = useState(false);
  const isNew = settings === null;
  const authType = getParam(params, 'auth.type');
  const credentials = getParam(params, 'auth.credentials');
  const secretFields = [
    ...(type === 'databricks' ? databricksSecrets(authType, credentials) : []),
    ...(TYPE_SECRETS[type] ?? []),
  ];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      let saved = isNew
        ? await api<ConnectionSettings>('POST', '/api/connections', { name, type, description, params })
        : await api<ConnectionSettings>('PUT', `/api/connections/${name}/settings`, { description, params });
      for (const [field, value] of Object.entries(secrets)) {
        if (value) saved = await api<ConnectionSettings>('PUT', `/api/connections/${name}/secrets/${field}`, { value });
      }
      setSecrets({});
      onSaved(saved);
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setOutcome({ text: 'Testing ' + name + '…', error: false });
    try {
      const r = await api<{ report?: Record<string, string> }>('POST', `/api/connections/${name}/test`);
      const report = Object.entries(r.report || {})
        .map(([k, v]) => k + ' ' + v)
        .join('; ');
      setOutcome({ text: 'Connection ' + name + ' works: ' + report, error: false });
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };
  const remove = async () => {
    if (!window.confirm('Delete connection ' + name + ' and its secrets?')) return;
    try {
      await api('DELETE', `/api/connections/${name}`);
      onDeleted();
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };
  const visible = (field: Field) => !field.when || field.when.values.includes(getParam(params, field.when.path));
  const stored = (field: string) => settings?.secrets.find((s) => s.field === field);

  return (
    <form id="connection-form" className="connection-form" onSubmit={save}>
      <h3>{isNew ? 'New connection' : 'Connection ' + name}</h3>
      {isNew && (
        <>
          <label className="field">
            <span>Name</span>
            <input id="connection-name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span>Type</span>
            <select id="connection-type" value={type} onChange={(e) => setType(e.target.value)}>
              {CONNECTION_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <label className="field">
        <span>Description</span>
        <input id="connection-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {type === 'databricks' ? (
        DATABRICKS_FIELDS.map((group) => (
          <fieldset key={group.section}>
            <legend>{group.section}</legend>
            {group.fields.filter(visible).map((field) => (
              <FieldInput key={field.path} field={field} params={params} onChange={setParams} />
            ))}
            {group.section === 'Authentication' && authType === 'oauth_user' && (
              <label className="field">
                <span>Redirect URI</span>
                <input id="redirect-uri" readOnly value={redirectUri} onFocus={(e) => e.target.select()} />
                <small>
                  register it exactly so with the OAuth client{' '}
                  <button type="button" id="redirect-uri-copy" onClick={() => navigator.clipboard?.writeText(redirectUri)}>
                    Copy
                  </button>
                </small>
              </label>
            )}
          </fieldset>
        ))
      ) : (
        <ParamsText key={type} params={params} onChange={setParams} />
      )}
      {secretFields.length > 0 && (
        <fieldset>
          <legend>Secrets (kept in the vault, never shown again)</legend>
          {secretFields.map((field) => {
            const set = stored(field);
            return (
              <label className="field" key={field}>
                <span>{field}</span>
                <input
                  id={'secret-' + field}
                  type="password"
                  autoComplete="new-password"
                  placeholder={set ? 'set ' + set.updated_at + '; type to replace' : 'not set'}
                  value={secrets[field] ?? ''}
                  onChange={(e) => setSecrets({ ...secrets, [field]: e.target.value })}
                />
                <small id={'secret-state-' + field}>{set ? 'set ' + set.updated_at : 'not set'}</small>
              </label>
            );
          })}
        </fieldset>
      )}
      <div className="actions">
        <button id="connection-save" type="submit" disabled={busy || !name}>
          {isNew ? 'Create' : 'Save'}
        </button>
        {!isNew && (
          <>
            <button id="connection-test" type="button" onClick={test}>
              Test
            </button>
            <button id="connection-delete" type="button" onClick={remove}>
              Delete
            </button>
          </>
        )}
      </div>
      <OutcomeLine id="connection-form-result" outcome={outcome} />
    </form>
  );
}
