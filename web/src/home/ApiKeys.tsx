import { useState } from 'react';
import { api, message } from '../api';
import { OutcomeLine, type Outcome } from '../table';
import { useApi } from '../useApi';

interface ApiKey {
  id: string;
  label: string;
  created_at: string;
}

// The user's API keys for scripts and the Python API: a new one shown once, the others
// listed by their public id, each revocable.
export function ApiKeys() {
  const { data: keys, reload } = useApi<ApiKey[]>('/api/api-keys');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const create = async () => {
    try {
      const r = await api<{ key: string }>('POST', '/api/api-keys', { label: 'web page' });
      setOutcome({ text: 'New API key (shown once): ' + r.key, error: false });
      reload();
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };
  const revoke = async (id: string) => {
    try {
      await api('DELETE', `/api/api-keys/${id}`);
      setOutcome({ text: 'Revoked API key ' + id + '.', error: false });
      reload();
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };
  return (
    <section>
      <h2>API keys</h2>
      <p>
        For scripts and the Python API: send <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      {keys && keys.length > 0 && (
        <table id="api-keys">
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} id={'api-key-' + k.id}>
                <td>{k.id}</td>
                <td>{k.label}</td>
                <td>{k.created_at}</td>
                <td>
                  <button id={'api-key-revoke-' + k.id} onClick={() => revoke(k.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button id="api-key-create" onClick={create}>
        Create an API key
      </button>
      <OutcomeLine id="api-key-new" outcome={outcome} />
    </section>
  );
}
