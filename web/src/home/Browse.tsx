import { useEffect, useState } from 'react';
import { api, message } from '../api';

// Where a browse stands: nothing chosen (catalogs), a catalog (schemas), a schema
// (tables) or a table (its columns). A connection without catalogs starts at schemas.
export interface BrowsePlace {
  catalog?: string;
  schema?: string;
  table?: string;
}

interface Item {
  catalog?: string;
  schema?: string;
  table?: string;
  name?: string;
  type?: string;
}

function levelOf(place: BrowsePlace): string {
  if (place.table) return 'columns';
  if (place.schema) return 'tables';
  return place.catalog !== undefined ? 'schemas' : 'catalogs';
}

// Catalogs, then schemas, tables and a table's columns: one level a click. With
// `onTable`, each table also gets a button that picks it ([catalog.][schema.]table).
export function Browse({ connection, onTable }: { connection: string; onTable?: (table: string) => void }) {
  const [place, setPlace] = useState<BrowsePlace>({});
  // The items with the address they were listed from: a render right after a click must
  // not show the previous level's items as this level's (a table's name as a column).
  const [listed, setListed] = useState<{ from: string; items: Item[] }>({ from: '', items: [] });
  const [error, setError] = useState('');
  useEffect(() => setPlace({}), [connection]);
  const level = levelOf(place);
  const query = new URLSearchParams(
    Object.entries(place).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  const address = `/api/connections/${connection}/${level}${query ? '?' + query : ''}`;
  const items = listed.from === address ? listed.items : [];
  useEffect(() => {
    let current = true;
    setError('');
    api<Item[]>('GET', address)
      .then((list) => {
        if (!current) return;
        if (level === 'catalogs' && list.length === 0) setPlace({ catalog: '' });
        else setListed({ from: address, items: list });
      })
      .catch((e) => current && setError(message(e)));
    return () => {
      current = false;
    };
  }, [address, level]);

  const path = [place.catalog, place.schema, place.table].filter((p) => p).join('.');
  const next = (item: Item): BrowsePlace =>
    level === 'catalogs'
      ? { catalog: item.catalog }
      : level === 'schemas'
        ? { catalog: place.catalog, schema: item.schema }
        : { catalog: item.catalog || place.catalog, schema: item.schema || place.schema, table: item.table };
  return (
    <section id="browse">
      <h3>
        Browse <span id="browse-connection">{connection}</span>
      </h3>
      <p id="browse-path">{level + (path ? ' of ' + path : '')}</p>
      {level === 'columns' ? (
        <table id="browse-columns">
          <tbody>
            <tr>
              <td>Column</td>
              <td>Type</td>
            </tr>
            {items.map((column) => (
              <tr key={column.name}>
                <td>{column.name}</td>
                <td>{column.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <ul id="browse-list">
          {items.map((item) => {
            const label = (level === 'catalogs' ? item.catalog : level === 'schemas' ? item.schema : item.table) ?? '';
            return (
              <li key={label}>
                <button id={'browse-item-' + label} onClick={() => setPlace(next(item))}>
                  {label}
                </button>
                {level === 'tables' && onTable && (
                  <button
                    id={'browse-pick-' + label}
                    onClick={() => {
                      const where = next(item);
                      onTable([where.catalog, where.schema, where.table].filter((p) => p).join('.'));
                    }}
                  >
                    Import
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p id="browse-error" className="error">
        {error}
      </p>
    </section>
  );
}
