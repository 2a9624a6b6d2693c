import type { ReactNode } from 'react';
import { ParamField, withParam } from '../ParamField';
import { ColumnSelect } from './ColumnSelect';
import { ColumnChecks, NumberInput, TextInput } from './FieldInputs';
import { type InputColumns, JoinsEditor } from './JoinsEditor';
import { JoinSelectEditor } from './JoinSelectEditor';
import { PrepareSteps } from './PrepareSteps';
import { typedValue, ValuesInput } from './ValuesInput';

type Params = Record<string, unknown>;

// The kinds of field a visual recipe's form is made of.
type Kind =
  | 'columns'
  | 'column'
  | 'text'
  | 'formula'
  | 'number'
  | 'boolean'
  | 'choice'
  | 'values'
  | 'order'
  | 'aggregations'
  | 'computations'
  | 'joins'
  | 'select'
  | 'rules'
  | 'output'
  | 'steps'
  | 'frame';
interface Field {
  key: string;
  label: string;
  kind: Kind;
  help?: string;
  choices?: string[]; // a choice's options, the first the default
  none?: string; // a column or output that may be left out: what its absence is called
}

// What a field's input sees besides its own value.
interface FormContext {
  params: Params;
  columns: string[];
  inputs: InputColumns[];
  outputs: string[];
}

// The form of each visual recipe type that has one (docs/recipes.md); the others are
// edited as JSON params.
const FORMS: Record<string, Field[]> = {
  filter: [
    { key: 'expression', label: 'Keep rows where', kind: 'formula', help: 'a formula, as v > 1 AND name <> \'b\'' },
    { key: 'sql', label: 'Or where, in SQL', kind: 'formula', help: "the database's own SQL, run as written (not portable)" },
    { key: 'head', label: 'First rows only', kind: 'number', help: 'empty: every row' },
    { key: 'order_by', label: 'First in order of', kind: 'order' },
    { key: 'ratio', label: 'Or a random share', kind: 'number', help: 'between 0 and 1, a new sample each run' },
  ],
  group: [
    { key: 'keys', label: 'Group by', kind: 'columns' },
    { key: 'count', label: 'Count rows', kind: 'boolean' },
    { key: 'aggregations', label: 'Aggregations', kind: 'aggregations' },
    { key: 'filter_before', label: 'Rows kept before', kind: 'formula', help: 'a formula on the input' },
    { key: 'filter_after', label: 'Groups kept after', kind: 'formula', help: 'a formula on the output' },
    { key: 'order_by', label: 'First and last in order of', kind: 'column', none: '(none)' },
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
  window: [
    { key: 'partition_by', label: 'Per group of', kind: 'columns', help: 'none: over every row' },
    { key: 'order_by', label: 'In order of', kind: 'order' },
    { key: 'computations', label: 'Computations', kind: 'computations', help: 'output: empty for <column>_<function>' },
    { key: 'frame', label: 'Aggregates over', kind: 'frame', help: 'offsets from the current row (negative: before); empty: unbounded' },
  ],
  pivot: [
    { key: 'keys', label: 'One row per', kind: 'columns' },
    { key: 'column', label: 'One column per value of', kind: 'column' },
    { key: 'values', label: 'Values', kind: 'values', help: 'comma-separated; empty: the values the data has' },
    { key: 'count', label: 'Count rows', kind: 'boolean' },
    { key: 'aggregations', label: 'Aggregations', kind: 'aggregations' },
    { key: 'max_values', label: 'At most', kind: 'number', help: 'values found in the data (default 100)' },
  ],
  join: [
    { key: 'joins', label: 'Joins', kind: 'joins' },
    { key: 'select', label: 'Columns kept', kind: 'select', help: 'a prefix tells apart columns of the same name' },
  ],
  stack: [
    { key: 'mode', label: 'Match columns by', kind: 'choice', choices: ['name', 'position'] },
    { key: 'origin_column', label: 'Input name column', kind: 'text', help: 'empty: none' },
  ],
  prepare: [{ key: 'steps', label: 'Steps', kind: 'steps', help: 'applied in order, each to what the one before left' }],
  split: [
    { key: 'column', label: 'Split on the values of', kind: 'column', none: '(no column: formulas)' },
    { key: 'rules', label: 'Rules', kind: 'rules', help: 'each row goes to the output of the first rule it matches' },
    { key: 'otherwise', label: 'Other rows go to', kind: 'output', none: '(nowhere: dropped)' },
  ],
};

export const WINDOW_FUNCTIONS = ['row_number', 'rank', 'dense_rank', 'lag', 'lead', 'cumulative_sum', 'sum', 'avg', 'min', 'max', 'count'];

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
interface Computation {
  column: string;
  function: string;
  output?: string;
  offset?: number;
}
interface Frame {
  unit: string;
  from?: number;
  to?: number;
}
interface SplitRule {
  expression?: string;
  value?: unknown;
  output: string;
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
  inputs,
  outputs,
  errorParam,
  error,
  onChange,
}: {
  type: string;
  params: Params;
  inputs: InputColumns[]; // the recipe's inputs in order, each with its columns
  outputs: string[]; // the recipe's outputs
  errorParam: string;
  error: string;
  onChange: (params: Params) => void;
}) {
  const columns = [...new Set(inputs.flatMap((i) => i.columns))];
  const set = (key: string, value: unknown) => onChange(withParam(params, key, value));
  return (
    <fieldset id="recipe-visual-form">
      <legend>{type} settings</legend>
      {(FORMS[type] ?? []).map((f) => (
        <ParamField key={f.key} id={'param-' + f.key} errorId={'param-error-' + f.key} label={f.label} help={f.help} shown={errorParam === f.key} error={error}>
          {input(f, params[f.key], { params, columns, inputs, outputs }, (value) => set(f.key, value))}
        </ParamField>
      ))}
    </fieldset>
  );
}

function input(f: Field, value: unknown, context: FormContext, set: (value: unknown) => void): ReactNode {
  const { columns, inputs, outputs } = context;
  const id = 'param-input-' + f.key;
  switch (f.kind) {
    case 'text':
    case 'formula':
      return <TextInput id={id} value={value} code={f.kind === 'formula'} set={set} />;
    case 'number':
      return <NumberInput id={id} value={value} set={set} />;
    case 'choice':
      return (
        <select id={id} value={typeof value === 'string' ? value : (f.choices ?? [])[0]} onChange={(e) => set(e.target.value)}>
          {(f.choices ?? []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    case 'values':
      return <ValuesInput id={id} value={value} set={set} />;
    case 'boolean':
      return <input id={id} type="checkbox" checked={value !== false} onChange={(e) => set(e.target.checked)} />;
    case 'column':
      return <ColumnSelect id={id} value={typeof value === 'string' ? value : ''} columns={columns} none={f.none} onChange={set} />;
    case 'output':
      return <ColumnSelect id={id} value={typeof value === 'string' ? value : ''} columns={outputs} none={f.none} onChange={set} />;
    case 'steps':
      return <PrepareSteps id={id} value={value} columns={columns} set={set} />;
    case 'frame':
      return <FrameInput id={id} value={value} set={set} />;
    case 'rules':
      return <SplitRules id={id} value={value} byValue={typeof context.params.column === 'string'} outputs={outputs} set={set} />;
    case 'columns':
      return <ColumnChecks id={id} value={value} columns={columns} set={set} />;
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
          fresh={(column) => ({ column, functions: ['count'] })}
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
    case 'joins':
      return <JoinsEditor id={id} value={value} inputs={inputs} set={set} />;
    case 'select':
      return <JoinSelectEditor id={id} value={value} inputs={inputs} set={set} />;
    case 'computations':
      return (
        <ColumnItems<Computation>
          id={id}
          value={value}
          columns={columns}
          set={set}
          fresh={() => ({ function: 'row_number' }) as Computation}
          add="Add a computation"
          optional="(no column)"
          rest={(item, i, change) => (
            <>
              <select id={`${id}-${i}-function`} value={item.function} onChange={(e) => change({ ...item, function: e.target.value })}>
                {WINDOW_FUNCTIONS.map((fn) => (
                  <option key={fn} value={fn}>
                    {fn}
                  </option>
                ))}
              </select>{' '}
              {(item.function === 'lag' || item.function === 'lead') && (
                <input
                  id={`${id}-${i}-offset`}
                  type="number"
                  placeholder="offset (1)"
                  value={typeof item.offset === 'number' ? item.offset : ''}
                  onChange={(e) => {
                    const { offset: _, ...rest } = item;
                    change(e.target.value === '' ? rest : { ...rest, offset: Number(e.target.value) });
                  }}
                />
              )}{' '}
              <input
                id={`${id}-${i}-output`}
                placeholder="output"
                value={item.output ?? ''}
                onChange={(e) => {
                  const { output: _, ...rest } = item;
                  change(e.target.value ? { ...rest, output: e.target.value } : rest);
                }}
              />
            </>
          )}
        />
      );
  }
}

// A window's frame: its unit (none: the aggregates see the whole partition), and the
// offsets it runs from and to (empty: unbounded).
function FrameInput({ id, value, set }: { id: string; value: unknown; set: (value: unknown) => void }) {
  const frame = value && typeof value === 'object' ? (value as Frame) : null;
  const offset = (key: 'from' | 'to') => (
    <input
      id={`${id}-${key}`}
      type="number"
      placeholder={key === 'from' ? 'from (unbounded)' : 'to (unbounded)'}
      disabled={frame === null}
      value={frame && typeof frame[key] === 'number' ? frame[key] : ''}
      onChange={(e) => {
        if (frame === null) return;
        const { [key]: _, ...rest } = frame;
        set(e.target.value === '' ? rest : { ...rest, [key]: Number(e.target.value) });
      }}
    />
  );
  return (
    <span id={id}>
      <select id={id + '-unit'} value={frame?.unit ?? ''} onChange={(e) => set(e.target.value ? { ...(frame ?? {}), unit: e.target.value } : undefined)}>
        <option value="">the whole partition</option>
        <option value="rows">rows</option>
        <option value="range">range</option>
      </select>{' '}
      {offset('from')} {offset('to')}
    </span>
  );
}

// A split's rules, a row each: the formula (or, split on a column, the value) that sends
// a row to the rule's output, the output, and Remove.
function SplitRules({
  id,
  value,
  byValue,
  outputs,
  set,
}: {
  id: string;
  value: unknown;
  byValue: boolean; // the recipe splits on a column's values
  outputs: string[];
  set: (value: unknown) => void;
}) {
  const rules = Array.isArray(value) ? (value as SplitRule[]) : [];
  const change = (i: number, rule: SplitRule | null) =>
    set(rule === null ? rules.filter((_, j) => j !== i) : rules.map((x, j) => (j === i ? rule : x)));
  return (
    <span id={id}>
      {rules.map((rule, i) => {
        const { expression: _e, value: _v, ...kept } = rule;
        return (
          <span key={i} className="row">
            {byValue ? (
              <input
                id={`${id}-${i}-value`}
                placeholder="value"
                value={rule.value === undefined || rule.value === null ? '' : String(rule.value)}
                onChange={(e) => change(i, { ...kept, value: typedValue(e.target.value) })}
              />
            ) : (
              <input
                id={`${id}-${i}-expression`}
                className="code"
                placeholder="formula, as amount < 10"
                value={rule.expression ?? ''}
                onChange={(e) => change(i, { ...kept, expression: e.target.value })}
              />
            )}{' '}
            to{' '}
            <ColumnSelect id={`${id}-${i}-output`} value={rule.output ?? ''} columns={outputs} onChange={(output) => change(i, { ...rule, output })} />{' '}
            <button type="button" id={`${id}-${i}-remove`} onClick={() => change(i, null)}>
              Remove
            </button>
          </span>
        );
      })}
      <button
        type="button"
        id={id + '-add'}
        onClick={() => set([...rules, byValue ? { value: '', output: outputs[0] ?? '' } : { expression: 'TRUE', output: outputs[0] ?? '' }])}
      >
        Add a rule
      </button>
    </span>
  );
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
  optional,
}: {
  id: string;
  value: unknown;
  columns: string[];
  set: (value: unknown) => void;
  fresh: (column: string) => T;
  add: string;
  rest: (item: T, i: number, change: (item: T) => void) => ReactNode;
  optional?: string; // when set, the column may be left out: what its absence is called
}) {
  const items = Array.isArray(value) ? (value as T[]) : [];
  const change = (i: number, item: T | null) =>
    set(item === null ? items.filter((_, j) => j !== i) : items.map((x, j) => (j === i ? item : x)));
  return (
    <span id={id}>
      {items.map((item, i) => (
        <span key={i} className="row">
          <ColumnSelect
            id={`${id}-${i}`}
            value={item.column ?? ''}
            columns={columns}
            none={optional}
            onChange={(c) => {
              const { column: _, ...others } = item;
              change(i, (c || !optional ? { ...item, column: c } : others) as T);
            }}
          />{' '}
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
