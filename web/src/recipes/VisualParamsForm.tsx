import type { ReactNode } from 'react';

type Params = Record<string, unknown>;

// The kinds of field a visual recipe's form is made of.
type Kind = 'columns' | 'column' | 'text' | 'formula' | 'number' | 'boolean' | 'order' | 'aggregations';
interface Field {
  key: string;
  label: string;
  kind: Kind;
  help?: string;
}

// The form of each visual recipe type that has one (docs/recipes.md); the others are
// edited as JSON params.
const FORMS: Record<string, Field[]> = {
  filter: [
    { key: 'expression', label: 'Keep rows where', kind: 'formula', help: 'a formula, as v > 1 AND name <> \'b\'' },
    { key: 'head', label: 'First rows only', kind: 'number', help: 'empty: every row' },
    { key: 'order_by', label: 'First in order of', kind: 'order' },
  ],
  group: [
    { key: 'keys', label: 'Group by', kind: 'columns' },
    { key: 'count', label: 'Count rows', kind: 'boolean' },
    { key: 'aggregations', label: 'Aggregations', kind: 'aggregations' },
    { key: 'filter_before', label: 'Rows kept before', kind: 'formula', help: 'a formula on the input' },
    { key: 'filter_after', label: 'Groups kept after', kind: 'formula', help: 'a formula on the output' },
  ],
  distinct: [
    { key: 'columns', label: 'Distinct on', kind: 'columns', help: 'none: every column' },
    { key: 'count_column', label: 'Count column', kind: 'text', help: 'empty: no count' },
  ],
  top_n: [
    { key: 'n', label: 'Rows kept (N)', kind: 'number' },
    { key: 'partition_by', label: 'Per group of', kind: 'columns', help: 'none: overall' },
    { key: 'order_by', label: 'In order of', kind: 'order' },
    { key: 'rank_column', label: 'Rank column', kind: 'text', help: 'empty: no rank' },
  ],
  sort: [{ key: 'order_by', label: 'Sort by', kind: 'order' }],
};

export const GROUP_FUNCTIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'stddev', 'first', 'last'];

export function hasVisualForm(type: string): boolean {
  return type in FORMS;
}

interface OrderItem {
  column: string;
  descending?: boolean;
}
interface Aggregation {
  column: string;
  functions: string[];
}

// The field of params a server error names: params.aggregations[0].functions is
// aggregations.
export function paramOfField(field: string): string {
  const match = /^params\.([A-Za-z_]+)/.exec(field);
  return match ? match[1] : '';
}

// A visual recipe's params as a form, field by field, with the server's error shown at
// the field it concerns. An emptied text or number field leaves the params.
export function VisualParamsForm({
  type,
  params,
  columns,
  errorParam,
  error,
  onChange,
}: {
  type: string;
  params: Params;
  columns: string[];
  errorParam: string;
  error: string;
  onChange: (params: Params) => void;
}) {
  const set = (key: string, value: unknown) => {
    const next = { ...params };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    onChange(next);
  };
  return (
    <fieldset id="recipe-visual-form">
      <legend>{type} settings</legend>
      {(FORMS[type] ?? []).map((f) => (
        <div key={f.key} className="field" id={'param-' + f.key}>
          <span>{f.label}</span>
          <div>
            {input(f, params[f.key], columns, (value) => set(f.key, value))}
            {f.help && <small>{f.help}</small>}
            {errorParam === f.key && (
              <small id={'param-error-' + f.key} className="error">
                {error}
              </small>
            )}
          </div>
        </div>
      ))}
    </fieldset>
  );
}

function input(f: Field, value: unknown, columns: string[], set: (value: unknown) => void): ReactNode {
  const id = 'param-input-' + f.key;
  switch (f.kind) {
    case 'text':
    case 'formula':
      return <input id={id} className={f.kind === 'formula' ? 'code' : ''} value={typeof value === 'string' ? value : ''} onChange={(e) => set(e.target.value)} />;
    case 'number':
      return (
        <input
          id={id}
          type="number"
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'boolean':
      return <input id={id} type="checkbox" checked={value !== false} onChange={(e) => set(e.target.checked)} />;
    case 'column':
      return <ColumnSelect id={id} value={typeof value === 'string' ? value : ''} columns={columns} onChange={set} />;
    case 'columns': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <span id={id}>
          {withChosen(columns, chosen).map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                id={id + '-' + c}
                checked={chosen.includes(c)}
                onChange={(e) => set(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))}
              />{' '}
              {c}
            </label>
          ))}
        </span>
      );
    }
    case 'order':
      return (
        <ColumnItems<OrderItem>
          id={id}
          value={value}
          columns={columns}
          set={set}
          fresh={(column) => ({ column })}
          add="Add a column"
          rest={(item, i, change) => (
            <label className="check">
              <input
                type="checkbox"
                id={`${id}-${i}-descending`}
                checked={item.descending === true}
                onChange={(e) => change({ ...item, descending: e.target.checked })}
              />{' '}
              descending
            </label>
          )}
        />
      );
    case 'aggregations':
      return (
        <ColumnItems<Aggregation>
          id={id}
          value={value}
          columns={columns}
          set={set}
          fresh={(column) => ({ column, functions: ['sum'] })}
          add="Add an aggregation"
          rest={(item, i, change) =>
            GROUP_FUNCTIONS.map((fn) => {
              const functions = item.functions ?? [];
              return (
                <label key={fn} className="check">
                  <input
                    type="checkbox"
                    id={`${id}-${i}-${fn}`}
                    checked={functions.includes(fn)}
                    onChange={(e) =>
                      change({ ...item, functions: e.target.checked ? [...functions, fn] : functions.filter((x) => x !== fn) })
                    }
                  />{' '}
                  {fn}
                </label>
              );
            })
          }
        />
      );
  }
}

// A list of items that each name a column (ordering, aggregations): a row per item with
// its column, what else it has (`rest`), and Remove; Add makes one on the first column.
function ColumnItems<T extends { column: string }>({
  id,
  value,
  columns,
  set,
  fresh,
  add,
  rest,
}: {
  id: string;
  value: unknown;
  columns: string[];
  set: (value: unknown) => void;
  fresh: (column: string) => T;
  add: string;
  rest: (item: T, i: number, change: (item: T) => void) => ReactNode;
}) {
  const items = Array.isArray(value) ? (value as T[]) : [];
  const change = (i: number, item: T | null) =>
    set(item === null ? items.filter((_, j) => j !== i) : items.map((x, j) => (j === i ? item : x)));
  return (
    <span id={id}>
      {items.map((item, i) => (
        <span key={i} className="row">
          <ColumnSelect id={`${id}-${i}`} value={item.column} columns={columns} onChange={(c) => change(i, { ...item, column: c })} />{' '}
          {rest(item, i, (next) => change(i, next))}{' '}
          <button type="button" onClick={() => change(i, null)}>
            Remove
          </button>
        </span>
      ))}
      <button type="button" id={id + '-add'} onClick={() => set([...items, fresh(columns[0] ?? '')])}>
        {add}
      </button>
    </span>
  );
}

// The input's columns, plus any the params name that it does not have (kept visible,
// so a stale name can be seen and taken out).
function withChosen(columns: string[], chosen: string[]): string[] {
  return [...columns, ...chosen.filter((c) => !columns.includes(c))];
}

function ColumnSelect({ id, value, columns, onChange }: { id: string; value: string; columns: string[]; onChange: (column: string) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {withChosen(columns, value ? [value] : []).map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}
