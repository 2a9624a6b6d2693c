import { useState } from 'react';
import { api, message, type Connection } from '../api';
import { OutcomeLine, type Outcome } from '../table';
import { Browse } from './Browse';
import { TokenForm } from './TokenForm';

function credentialsText(c: Connection): string {
  const cred = c.credentials;
  if (!cred) return c.error || '';
  let text = cred.method + (cred.per_user ? ' (per user)' : '');
  if (cred.per_user) text += cred.provided ? ': provided' : ': not provided yet';
  if (cred.method === 'personal access token') {
    if (cred.obtained_at) text += ', entered ' + cred.obtained_at;
    if (cred.access_expires_at) text += '; expires ' + cred.access_expires_at + ' (as you said)';
    else if (cred.obtained_at) text += '; you did not say when it expires';
    if (cred.provided && cred.action) text += '; ' + cred.action;
    return text;
  }
  if (cred.obtained_at) text += ', authorized ' + cred.obtained_at;
  if (cred.refreshed_at && cred.refreshed_at !== cred.obtained_at)
    text += ', refresh token renewed ' + cred.refreshed_at;
  if (cred.access_expires_at) text += '; access token valid until ' + cred.access_expires_at + ' (renewed by itself)';
  if (cred.refresh_expires_at) text += '; authorize again before ' + cred.refresh_expires_at;
  else if (cred.obtained_at) text += '; the provider did not say when the authorization expires';
  return text;
}

// The connections this user may see: what they may do with each, their own credentials
// (authorize, enter a token), browse and test.
export function Connections({ connections, reload }: { connections: Connection[]; reload: () => void }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [browsing, setBrowsing] = useState<string | null>(null);
  const [entering, setEntering] = useState<string | null>(null);
  const fail = (e: unknown) => setOutcome({ text: message(e), error: true });

  const authorize = async (c: Connection) => {
    try {
      const { url } = await api<{ url: string }>('POST', `/api/connections/${c.name}/authorize`);
      window.location.assign(url);
    } catch (e) {
      fail(e);
    }
  };
  const test = async (c: Connection) => {
    setOutcome({ text: 'Testing ' + c.name + '…', error: false });
    try {
      const r = await api<{ report?: Record<string, string> }>('POST', `/api/connections/${c.name}/test`);
      const report = Object.entries(r.report || {})
        .map(([k, v]) => k + ' ' + v)
        .join('; ');
      setOutcome({ text: 'Connection ' + c.name + ' works: ' + report, error: false });
    } catch (e) {
      fail(e);
    }
  };

  return (
    <section>
      <h2>Connections</h2>
      <table id="connections">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>You may</th>
            <th>Credentials</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => {
            const cred = c.credentials;
            return (
              <tr key={c.name} id={'connection-' + c.name}>
                <td>{c.name}</td>
                <td>{c.type || ''}</td>
                <td className="may">{c.may?.free_sql ? 'use, free SQL' : c.may?.use ? 'use' : ''}</td>
                <td className="credentials">{credentialsText(c)}</td>
                <td>
                  {cred?.method === 'OAuth per-user' && (
                    <button id={'authorize-' + c.name} onClick={() => authorize(c)}>
                      {cred.provided ? 'Authorize again' : 'Authorize'}
                    </button>
                  )}
                  {cred?.per_user && cred.method === 'personal access token' && (
                    <button id={'token-' + c.name} onClick={() => setEntering(c.name)}>
                      Enter token
                    </button>
                  )}
                  {(c.type === 'databricks' || c.type === 'sqlite') && (
                    <button id={'browse-' + c.name} onClick={() => setBrowsing(c.name)}>
                      Browse
                    </button>
                  )}
                  <button id={'test-' + c.name} onClick={() => test(c)}>
                    Test
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <OutcomeLine id="connection-result" outcome={outcome} />
      {entering && (
        <TokenForm
          connection={entering}
          onDone={(saved) => {
            setEntering(null);
            if (saved) {
              setOutcome({ text: 'Stored your token for ' + entering + ': Test checks it', error: false });
              reload();
            }
          }}
        />
      )}
      {browsing && <Browse connection={browsing} />}
    </section>
  );
}
