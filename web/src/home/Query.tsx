import { useState, type FormEvent } from 'react';
import { api, message, type Connection, type Rows } from '../api';
import { RowsTable } from '../table';

// Free SQL on a connection the user may run it on.
export function Query({ connections }: { connections: Connection[] }) {
  const usable = connections.filter((c) => c.may?.free_sql);
  const [chosen, setChosen] = useState('');
  const [query, setQuery] = useState('SELECT current_user()');
  const [result, setResult] = useState<Rows | null>(null);
  const [error, setError] = useState('');
  const connection = usable.some((c) => c.name === chosen) ? chosen : (usable[0]?.name ?? '');

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setResult(null);
    try {
      setResult(await api<Rows>('POST', '/api/sql', { connection, query }));
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section>
      <h2>Query</h2>
      <form id="sql-form" onSubmit={run}>
        <select id="sql-connection" value={connection} onChange={(e) => setChosen(e.target.value)}>
          {usable.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
        <textarea id="sql-query" rows={3} value={query} onChange={(e) => setQuery(e.target.value)} />
        <button id="sql-run" type="submit" disabled={usable.length === 0}>
          Run
        </button>
      </form>
      {usable.length === 0 ? (
        <p id="sql-error" className="result">
          You may not run free SQL on any connection: an admin can grant it.
        </p>
      ) : (
        <p id="sql-error" className="error">
          {error}
        </p>
      )}
      {result ? <RowsTable id="sql-result" columns={result.columns} rows={result.rows} /> : <table id="sql-result" />}
    </section>
  );
}
