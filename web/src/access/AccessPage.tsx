import { useState } from 'react';
import { api, type Connection, type Me } from '../api';
import { useAction } from '../useAction';
import { useApi } from '../useApi';

interface Grant {
  user?: string;
  group?: string;
  role: string;
}
interface User {
  name: string;
  display_name: string;
  admin: boolean;
  groups: string[];
}
interface Group {
  name: string;
  description: string;
}
interface Rule {
  mode?: string;
  groups?: string[];
}

// Who may do what: the chosen project's grants (changed by its admins), and the users
// and groups (added by admins). Everyone sees the lists, as `mortar user list` shows them.
export function AccessPage({ me, project }: { me: Me; project: string }) {
  const users = useApi<{ users: User[] }>('/api/users');
  const groups = useApi<{ groups: Group[] }>('/api/groups');
  return (
    <>
      {project && (
        <ProjectGrants
          project={project}
          mayChange={me.projects.some((p) => p.name === project && p.role === 'admin')}
          users={users.data?.users ?? []}
          groups={groups.data?.groups ?? []}
        />
      )}
      <section>
        <h2>Users</h2>
        <p className="error">{users.error}</p>
        <table id="users">
          <tbody>
            <tr>
              <th>name</th>
              <th>display name</th>
              <th>admin</th>
              <th>groups</th>
              {me.admin && <th />}
            </tr>
            {users.data?.users.map((u) => (
              <tr key={u.name} id={'user-' + u.name}>
                <td>{u.name}</td>
                <td>{u.display_name}</td>
                <td>{u.admin ? 'yes' : ''}</td>
                <td>{u.groups.join(', ')}</td>
                {me.admin && <td>{u.name !== me.user && <DeleteUser name={u.name} onDeleted={users.reload} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
        {me.admin && <AddUser groups={groups.data?.groups ?? []} onAdded={users.reload} />}
        <ChangePassword me={me} users={users.data?.users ?? []} />
      </section>
      <section>
        <h2>Groups</h2>
        <p className="error">{groups.error}</p>
        <ul id="groups">
          {groups.data?.groups.map((g) => (
            <li key={g.name} id={'group-' + g.name}>
              {g.name} <span className="detail">{g.description}</span>
            </li>
          ))}
        </ul>
        {me.admin && <AddGroup onAdded={groups.reload} />}
      </section>
      {me.admin && <ConnectionGrants groups={groups.data?.groups ?? []} />}
    </>
  );
}

function ProjectGrants({
  project,
  mayChange,
  users,
  groups,
}: {
  project: string;
  mayChange: boolean;
  users: User[];
  groups: Group[];
}) {
  const path = '/api/permissions?project=' + encodeURIComponent(project);
  const { data, error: loadError, reload } = useApi<{ grants: Grant[] }>(path);
  const { busy, error, run } = useAction();
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [who, setWho] = useState('');
  const [role, setRole] = useState('read');
  const change = (grant: Grant) =>
    run(async () => {
      await api('PUT', path, grant);
      reload();
    });
  const names = kind === 'user' ? users.map((u) => u.name) : groups.map((g) => g.name);
  return (
    <section>
      <h2>Project {project}</h2>
      <p className="error">{loadError}</p>
      <table id="grants">
        <tbody>
          {data?.grants.map((g) => {
            const name = g.user ?? g.group ?? '';
            const id = (g.user ? 'user-' : 'group-') + name;
            return (
              <tr key={id} id={'grant-' + id}>
                <td>{g.user ? 'user' : 'group'}</td>
                <td>{name}</td>
                <td>{g.role}</td>
                <td>
                  {mayChange && (
                    <button
                      id={'revoke-' + id}
                      disabled={busy}
                      onClick={() => change(g.user ? { user: name, role: 'none' } : { group: name, role: 'none' })}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {mayChange ? (
        <div className="actions">
          <select id="grant-kind" value={kind} onChange={(e) => setKind(e.target.value as 'user' | 'group')}>
            <option value="user">user</option>
            <option value="group">group</option>
          </select>{' '}
          <input id="grant-who" list="grant-names" value={who} placeholder="name" onChange={(e) => setWho(e.target.value)} />
          <datalist id="grant-names">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>{' '}
          <select id="grant-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="read">read</option>
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>{' '}
          <button
            id="grant-button"
            disabled={busy || !who}
            onClick={() => change(kind === 'user' ? { user: who, role } : { group: who, role })}
          >
            Grant
          </button>
        </div>
      ) : (
        <p className="detail">Only the project's admins change who may do what.</p>
      )}
      <p id="grants-error" className="error">
        {error}
      </p>
    </section>
  );
}

function AddUser({ groups, onAdded }: { groups: Group[]; onAdded: () => void }) {
  const { busy, error, run } = useAction();
  const [user, setUser] = useState({ name: '', display_name: '', password: '', admin: false });
  const [member, setMember] = useState<string[]>([]);
  const add = () =>
    run(async () => {
      await api('POST', '/api/users', { ...user, display_name: user.display_name || user.name, groups: member });
      setUser({ name: '', display_name: '', password: '', admin: false });
      setMember([]);
      onAdded();
    });
  return (
    <div className="connection-form">
      <h3>Add a user</h3>
      <label className="field">
        <span>Name</span>
        <input id="new-user-name" value={user.name} onChange={(e) => setUser({ ...user, name: e.target.value })} />
      </label>
      <label className="field">
        <span>Display name</span>
        <input id="new-user-display" value={user.display_name} onChange={(e) => setUser({ ...user, display_name: e.target.value })} />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          id="new-user-password"
          type="password"
          autoComplete="new-password"
          value={user.password}
          onChange={(e) => setUser({ ...user, password: e.target.value })}
        />
      </label>
      <fieldset>
        <legend>Groups</legend>
        {groups.map((g) => (
          <label key={g.name} className="check">
            <input
              type="checkbox"
              id={'new-user-group-' + g.name}
              checked={member.includes(g.name)}
              onChange={(e) => setMember(e.target.checked ? [...member, g.name] : member.filter((m) => m !== g.name))}
            />{' '}
            {g.name}
          </label>
        ))}
        <label className="check">
          <input id="new-user-admin" type="checkbox" checked={user.admin} onChange={(e) => setUser({ ...user, admin: e.target.checked })} />{' '}
          admin of this Mortar
        </label>
      </fieldset>
      <div className="actions">
        <button id="new-user-add" disabled={busy || !user.name || !user.password} onClick={add}>
          Add user
        </button>
      </div>
      <p id="new-user-error" className="error">
        {error}
      </p>
    </div>
  );
}

function AddGroup({ onAdded }: { onAdded: () => void }) {
  const { busy, error, run } = useAction();
  const [group, setGroup] = useState({ name: '', description: '' });
  const add = () =>
    run(async () => {
      await api('POST', '/api/groups', group);
      setGroup({ name: '', description: '' });
      onAdded();
    });
  return (
    <div className="actions">
      <input id="new-group-name" value={group.name} placeholder="group name" onChange={(e) => setGroup({ ...group, name: e.target.value })} />{' '}
      <input
        id="new-group-description"
        value={group.description}
        placeholder="description"
        onChange={(e) => setGroup({ ...group, description: e.target.value })}
      />{' '}
      <button id="new-group-add" disabled={busy || !group.name} onClick={add}>
        Add group
      </button>
      <p id="new-group-error" className="error">
        {error}
      </p>
    </div>
  );
}

// Deleting asks twice: the second button says whom.
function DeleteUser({ name, onDeleted }: { name: string; onDeleted: () => void }) {
  const { busy, error, run } = useAction();
  const [asked, setAsked] = useState(false);
  const remove = () =>
    run(async () => {
      await api('DELETE', '/api/users/' + encodeURIComponent(name));
      onDeleted();
    });
  return (
    <>
      {asked ? (
        <button id={'delete-user-confirm-' + name} disabled={busy} onClick={remove}>
          Delete {name} for good
        </button>
      ) : (
        <button id={'delete-user-' + name} onClick={() => setAsked(true)}>
          Delete
        </button>
      )}
      <span className="error">{error}</span>
    </>
  );
}

// One's own password, with the current one; an admin also sets anyone's.
function ChangePassword({ me, users }: { me: Me; users: User[] }) {
  const { busy, error, run } = useAction();
  const [who, setWho] = useState(me.user);
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const own = who === me.user;
  const change = () =>
    run(async () => {
      setDone('');
      await api('PUT', '/api/users/' + encodeURIComponent(who) + '/password', own ? { password, current_password: current } : { password });
      setCurrent('');
      setPassword('');
      setDone('Changed the password of ' + who + (own ? '; your other sessions are logged out' : '; their sessions are logged out'));
    });
  return (
    <div className="connection-form">
      <h3>Change a password</h3>
      {me.admin && (
        <label className="field">
          <span>User</span>
          <select id="password-user" value={who} onChange={(e) => setWho(e.target.value)}>
            {users.map((u) => (
              <option key={u.name} value={u.name}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {own && (
        <label className="field">
          <span>Current password</span>
          <input id="password-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
      )}
      <label className="field">
        <span>New password</span>
        <input id="password-new" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <div className="actions">
        <button id="password-change" disabled={busy || !password || (own && !current)} onClick={change}>
          Change password
        </button>
      </div>
      <p id="password-done" className="detail">
        {done}
      </p>
      <p id="password-error" className="error">
        {error}
      </p>
    </div>
  );
}

function describeRule(rule: Rule | undefined): string {
  if (!rule || !rule.mode || rule.mode === 'nobody') return 'admins only';
  if (rule.mode === 'analysts') return 'every user';
  return 'groups ' + (rule.groups ?? []).join(', ');
}

// Who may use each connection and run free SQL on it (admins), as `mortar connection
// grant|revoke`.
function ConnectionGrants({ groups }: { groups: Group[] }) {
  const { data: connections, error: listError } = useApi<Connection[]>('/api/connections');
  const [name, setName] = useState('');
  const path = name ? '/api/connections/' + encodeURIComponent(name) + '/settings' : null;
  const { data: settings, error: loadError, reload } = useApi<{ permissions?: { use?: Rule; free_sql?: Rule } }>(path);
  const { busy, error, run } = useAction();
  const [right, setRight] = useState('use');
  const [who, setWho] = useState('');
  const change = (grant: boolean) =>
    run(async () => {
      await api('PUT', '/api/connections/' + encodeURIComponent(name) + '/permissions', {
        right,
        grant,
        ...(who ? { group: who } : { everyone: true }),
      });
      reload();
    });
  return (
    <section>
      <h2>Connections</h2>
      <p className="error">{listError}</p>
      <select id="connection-grants-name" value={name} onChange={(e) => setName(e.target.value)}>
        <option value="">choose a connection</option>
        {connections?.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name}
          </option>
        ))}
      </select>
      {name && (
        <>
          <p className="error">{loadError}</p>
          <table id="connection-rules">
            <tbody>
              <tr id="connection-rule-use">
                <td>use</td>
                <td>{settings ? describeRule(settings.permissions?.use) : ''}</td>
              </tr>
              <tr id="connection-rule-free_sql">
                <td>free SQL</td>
                <td>{settings ? describeRule(settings.permissions?.free_sql) : ''}</td>
              </tr>
            </tbody>
          </table>
          <div className="actions">
            <select id="connection-grant-right" value={right} onChange={(e) => setRight(e.target.value)}>
              <option value="use">use</option>
              <option value="free_sql">free SQL</option>
            </select>{' '}
            <select id="connection-grant-who" value={who} onChange={(e) => setWho(e.target.value)}>
              <option value="">every user</option>
              {groups.map((g) => (
                <option key={g.name} value={g.name}>
                  group {g.name}
                </option>
              ))}
            </select>{' '}
            <button id="connection-grant" disabled={busy} onClick={() => change(true)}>
              Grant
            </button>{' '}
            <button id="connection-revoke" disabled={busy} onClick={() => change(false)}>
              Revoke
            </button>
          </div>
          <p className="detail">Admins may do everything; free SQL needs use, and revoking use revokes free SQL.</p>
          <p id="connection-grants-error" className="error">
            {error}
          </p>
        </>
      )}
    </section>
  );
}
