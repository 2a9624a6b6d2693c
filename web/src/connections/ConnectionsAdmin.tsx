import { useState } from 'react';
import { api, message, type Connection, type ConnectionSettings, type Me } from '../api';
import type { Outcome } from '../table';
import { useApi } from '../useApi';
import { ConnectionForm } from './ConnectionForm';

// The admin's view of the connections: each opened in its form, or a new one.
export function ConnectionsAdmin({ me }: { me: Me }) {
  const { data: connections, error, reload } = useApi<Connection[]>('/api/connections');
  const [open, setOpen] = useState<ConnectionSettings | null | 'new'>(null);
  const [failure, setFailure] = useState('');
  const [notice, setNotice] = useState<Outcome | null>(null);
  // Each save opens the form again on what was saved, with the notice.
  const [saves, setSaves] = useState(0);
  if (!me.admin) return <p id="connections-admin-refused">Only an admin manages connections.</p>;

  const edit = async (name: string) => {
    setFailure('');
    setNotice(null);
    try {
      setOpen(await api<ConnectionSettings>('GET', `/api/connections/${name}/settings`));
    } catch (e) {
      setFailure(message(e));
    }
  };
  return (
    <div className="connections-admin">
      <nav className="dataset-list">
        <h2>Connections</h2>
        <p className="error">{error || failure}</p>
        <ul id="admin-connections">
          {connections?.map((c) => (
            <li key={c.name}>
              <a href="#/connections" id={'edit-' + c.name} onClick={() => edit(c.name)}>
                {c.name}
              </a>{' '}
              <span className="detail">{c.type}</span>
            </li>
          ))}
        </ul>
        <button
          id="connection-new"
          onClick={() => {
            setNotice(null);
            setOpen('new');
          }}
        >
          New connection
        </button>
      </nav>
      <div className="dataset-main">
        {open && (
          <ConnectionForm
            key={(open === 'new' ? 'new' : open.name) + '/' + saves}
            settings={open === 'new' ? null : open}
            redirectUri={me.redirect_uri}
            notice={notice}
            onSaved={(saved) => {
              setNotice({ text: 'Saved connection ' + saved.name + '.', error: false });
              setOpen(saved);
              setSaves((n) => n + 1);
              reload();
            }}
            onDeleted={() => {
              setOpen(null);
              reload();
            }}
          />
        )}
      </div>
    </div>
  );
}
