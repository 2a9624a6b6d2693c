import { useState } from 'react';
import { api, message } from '../api';
import { OutcomeLine, type Outcome } from '../table';

// A new API key for scripts and the Python API, shown once.
export function ApiKeys() {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const create = async () => {
    try {
      const r = await api<{ key: string }>('POST', '/api/api-keys', { label: 'web page' });
      setOutcome({ text: 'New API key (shown once): ' + r.key, error: false });
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
      <button id="api-key-create" onClick={create}>
        Create an API key
      </button>
      <OutcomeLine id="api-key-new" outcome={outcome} />
    </section>
  );
}
