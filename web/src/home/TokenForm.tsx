import { useState } from 'react';
import { api } from '../api';
import { useAction } from '../useAction';
import { SaveCancel } from '../SaveCancel';

// A user's own personal access token for a connection, with how to make one and, if the
// user says, the day it expires (Databricks shows it when the token is made; Mortar
// cannot ask which of a user's tokens it holds). The token is sent once and never shown.
export function TokenForm({ connection, onDone }: { connection: string; onDone: (saved: boolean) => void }) {
  const [token, setToken] = useState('');
  const [expires, setExpires] = useState('');
  const { busy, error, run } = useAction();
  const save = () =>
    run(async () => {
      await api('PUT', `/api/connections/${connection}/credentials`, { token, expires });
      onDone(true);
    });
  return (
    <section id="token-form" className="connection-form">
      <h3>Your personal access token for {connection}</h3>
      <p>
        In the Databricks workspace: your user name at the top right, <b>Settings</b>, <b>Developer</b>, <b>Access tokens</b>,{' '}
        <b>Generate new token</b>. Give it a comment (e.g. Mortar) and a lifetime, copy the token it shows once, and paste it here. Mortar
        keeps it encrypted, uses it only for what you run, and never shows it again.
      </p>
      <label className="field">
        <span>Token</span>
        <input id="token-value" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>
      <label className="field">
        <span>Expires on</span>
        <input id="token-expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        <small>optional: the day Databricks said; shown beside the token so you know when to make a new one</small>
      </label>
      <div className="actions">
        <SaveCancel id="token" busy={busy} ready={!!token} onSave={save} onCancel={() => onDone(false)} />
      </div>
      <p id="token-error" className="error">
        {error}
      </p>
    </section>
  );
}
