import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { api, message, type Connection, type Me } from './api';
import { ConnectionsAdmin } from './connections/ConnectionsAdmin';
import { FlowPage } from './flow/FlowPage';
import { AccessPage } from './access/AccessPage';
import { ChartsPage } from './charts/ChartsPage';
import { ApiKeys } from './home/ApiKeys';
import { Charts } from './home/Charts';
import { Connections } from './home/Connections';
import { Query } from './home/Query';
import { DatasetsPage } from './datasets/DatasetsPage';
import { JobsPage } from './jobs/JobsPage';
import { RecipesPage } from './recipes/RecipesPage';
import './app.css';

const PAGES = {
  home: 'Home',
  flow: 'Flow',
  datasets: 'Datasets',
  recipes: 'Recipes',
  charts: 'Charts',
  jobs: 'Jobs',
  access: 'Access',
  connections: 'Connections',
} as const;
// Pages only admins see in the menu.
const ADMIN_PAGES: Page[] = ['connections'];
type Page = keyof typeof PAGES;

// The page the address names: #/flow, #/jobs, #/datasets or #/datasets/NAME, ...
interface Place {
  page: Page;
  item: string | null;
}

function placeOf(hash: string): Place {
  const [name, item] = hash.replace(/^#\/?/, '').split('/');
  const page = name in PAGES ? (name as Page) : 'home';
  return { page, item: item ? decodeURIComponent(item) : null };
}

const PROJECT_KEY = 'mortar.project';

function Login({ onLogin }: { onLogin: () => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('POST', '/api/login', { user, password });
      setPassword('');
      onLogin();
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section id="login">
      <h2>Log in</h2>
      <form id="login-form" onSubmit={submit}>
        <label>
          User <input id="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} />
        </label>
        <label>
          Password{' '}
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button id="login-button" type="submit">
          Log in
        </button>
      </form>
      <p id="login-error" className="error">
        {error}
      </p>
    </section>
  );
}

function Home({ me }: { me: Me }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    api<Connection[]>('GET', '/api/connections')
      .then(setConnections)
      .catch((e) => setError(message(e)));
  }, []);
  useEffect(load, [load]);
  return (
    <>
      <p id="my-projects">
        {me.projects.length
          ? 'Your projects: ' + me.projects.map((p) => p.name + ' (' + p.role + ')').join(', ')
          : 'You have no role on any project yet: a project admin can grant you one.'}
      </p>
      {error && <p className="error">{error}</p>}
      <Connections connections={connections} reload={load} />
      <Query connections={connections} />
      <Charts />
      <ApiKeys />
    </>
  );
}

// The studio: the login form until the user is known, then the pages.
function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [place, setPlace] = useState<Place>(placeOf(window.location.hash));
  const page = place.page;
  // The project the pages show, kept across visits.
  const [chosen, setChosen] = useState(() => window.localStorage.getItem(PROJECT_KEY) ?? '');
  const project = me?.projects.some((p) => p.name === chosen) ? chosen : (me?.projects[0]?.name ?? '');
  const choose = (name: string) => {
    window.localStorage.setItem(PROJECT_KEY, name);
    setChosen(name);
  };
  const authorized = new URLSearchParams(window.location.search).get('authorized');
  const start = useCallback(() => {
    api<Me>('GET', '/api/me')
      .then(setMe)
      .catch(() => setMe(null));
  }, []);
  useEffect(start, [start]);
  useEffect(() => {
    const onHash = () => setPlace(placeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const logout = async () => {
    await api('POST', '/api/logout').catch(() => undefined);
    start();
  };

  return (
    <main className={page === 'home' || page === 'jobs' || page === 'access' ? '' : 'wide'}>
      <header className="top">
        <h1>Mortar</h1>
        {me && (
          <nav>
            {(Object.keys(PAGES) as Page[])
              .filter((p) => me.admin || !ADMIN_PAGES.includes(p))
              .map((p) => (
              <a key={p} id={'nav-' + p} href={'#/' + p} className={p === page ? 'current' : ''}>
                {PAGES[p]}
              </a>
            ))}
          </nav>
        )}
        {me && me.projects.length > 0 && (
          <label className="project">
            Project{' '}
            <select id="project" value={project} onChange={(e) => choose(e.target.value)}>
              {me.projects.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
          </label>
        )}
        {me && (
          <p className="me">
            Logged in as <strong id="me">{me.user + (me.admin ? ' (admin)' : '')}</strong>.{' '}
            <button id="logout" onClick={logout}>
              Log out
            </button>
          </p>
        )}
      </header>
      {authorized && (
        <p id="notice" className="notice">
          Connection {authorized} is authorized.
        </p>
      )}
      {me === null && <Login onLogin={start} />}
      {me && (
        <section id="app">
          {page === 'home' && <Home me={me} />}
          {page === 'flow' && <FlowPage me={me} project={project} />}
          {(page === 'datasets' || page === 'recipes' || page === 'charts') &&
            (!project ? (
              <p id="datasets-error">You have no role on any project yet: a project admin can grant you one.</p>
            ) : page === 'datasets' ? (
              <DatasetsPage project={project} open={place.item} />
            ) : page === 'recipes' ? (
              <RecipesPage project={project} open={place.item} />
            ) : (
              <ChartsPage project={project} open={place.item} />
            ))}
          {page === 'jobs' && <JobsPage />}
          {page === 'access' && <AccessPage me={me} project={project} />}
          {page === 'connections' && <ConnectionsAdmin me={me} />}
        </section>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
