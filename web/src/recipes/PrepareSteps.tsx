import type { ReactNode } from 'react';
import { withParam } from '../ParamField';
import { ColumnSelect, withChosen } from './ColumnSelect';
import { ColumnChecks, NumberInput, TextInput } from './FieldInputs';
import { ValuesInput } from './ValuesInput';

type Step = Record<string, unknown> & { type: string };
interface Rename {
  from: string;
  to: string;
}

// The settings of a processor (docs/recipes.md#prepare), in the order they are shown.
type StepKind = 'columns' | 'column' | 'text' | 'formula' | 'number' | 'values' | 'keep' | 'renames' | 'names';
interface StepField {
  key: string;
  label: string;
  kind: StepKind;
}

const COLUMNS: StepField = { key: 'columns', label: 'columns', kind: 'columns' };
const OUTPUT: StepField = { key: 'output', label: 'output column', kind: 'text' };
// What a filter or flag matches: a column's values or range, or a formula.
const MATCHERS: StepField[] = [
  { key: 'column', label: 'column', kind: 'column' },
  { key: 'values', label: 'values', kind: 'values' },
  { key: 'min', label: 'min', kind: 'number' },
  { key: 'max', label: 'max', kind: 'number' },
  { key: 'expression', label: 'or formula', kind: 'formula' },
];

export const PROCESSORS: Record<string, StepField[]> = {
  formula: [{ key: 'expression', label: 'formula', kind: 'formula' }, OUTPUT],
  if: [
    { key: 'condition', label: 'if', kind: 'formula' },
    { key: 'then', label: 'then', kind: 'formula' },
    { key: 'else', label: 'else', kind: 'formula' },
    OUTPUT,
  ],
  filter: [...MATCHERS, { key: 'keep', label: 'keep the matching rows (else remove them)', kind: 'keep' }],
  flag: [...MATCHERS, OUTPUT],
  fill_empty: [COLUMNS, { key: 'value', label: 'with', kind: 'text' }],
  remove_empty: [COLUMNS],
  concat: [COLUMNS, { key: 'separator', label: 'separator', kind: 'text' }, OUTPUT],
  copy: [{ key: 'column', label: 'column', kind: 'column' }, OUTPUT],
  split: [
    { key: 'column', label: 'column', kind: 'column' },
    { key: 'separator', label: 'separator', kind: 'text' },
    { key: 'outputs', label: 'output columns', kind: 'names' },
  ],
  rename: [{ key: 'renames', label: 'renames', kind: 'renames' }],
  keep: [COLUMNS],
  delete: [COLUMNS],
  reorder: [{ key: 'columns', label: 'first, in this order', kind: 'columns' }],
};

// The columns a step sees: the input's, as the steps before it left them.
export function columnsBefore(steps: Step[], index: number, input: string[]): string[] {
  let columns = [...input];
  const add = (name: unknown) => {
    if (typeof name === 'string' && name && !columns.includes(name)) columns.push(name);
  };
  for (const step of steps.slice(0, index)) {
    const listed = Array.isArray(step.columns) ? (step.columns as string[]) : [];
    if (step.type === 'keep') columns = columns.filter((c) => listed.includes(c));
    else if (step.type === 'delete') columns = columns.filter((c) => !listed.includes(c));
    else if (step.type === 'rename' && Array.isArray(step.renames))
      columns = columns.map((c) => (step.renames as Rename[]).find((r) => r.from === c)?.to || c);
    add(step.output);
    if (Array.isArray(step.outputs)) step.outputs.forEach(add);
  }
  return columns;
}

// A prepare recipe's steps, a row each: the processor, its settings, and Up and Remove.
// Changing a step's processor starts its settings afresh.
export function PrepareSteps({ id, value, columns, set }: { id: string; value: unknown; columns: string[]; set: (value: unknown) => void }) {
  const steps = Array.isArray(value) ? (value as Step[]) : [];
  const change = (i: number, step: Step | null) =>
    set(step === null ? steps.filter((_, j) => j !== i) : steps.map((x, j) => (j === i ? step : x)));
  const up = (i: number) => set(steps.map((x, j) => (j === i - 1 ? steps[i] : j === i ? steps[i - 1] : x)));
  return (
    <span id={id}>
      {steps.map((step, i) => {
        const sid = `${id}-${i}`;
        const seen = columnsBefore(steps, i, columns);
        return (
          <span key={i} className="row step">
            <select id={sid + '-type'} value={step.type} onChange={(e) => change(i, { type: e.target.value })}>
              {withChosen(Object.keys(PROCESSORS), [step.type]).map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>{' '}
            {(PROCESSORS[step.type] ?? []).map((f) => (
              <span key={f.key} className="check">
                {f.label}{' '}
                {stepInput(sid + '-' + f.key, f, step[f.key], seen, (v) => change(i, withParam(step, f.key, v)))}
              </span>
            ))}
            {i > 0 && (
              <button type="button" id={sid + '-up'} onClick={() => up(i)}>
                Up
              </button>
            )}{' '}
            <button type="button" id={sid + '-remove'} onClick={() => change(i, null)}>
              Remove
            </button>
          </span>
        );
      })}
      <button type="button" id={id + '-add'} onClick={() => set([...steps, { type: 'formula' }])}>
        Add a step
      </button>
    </span>
  );
}

function stepInput(id: string, f: StepField, value: unknown, columns: string[], set: (value: unknown) => void): ReactNode {
  switch (f.kind) {
    case 'text':
    case 'formula':
      return <TextInput id={id} value={value} code={f.kind === 'formula'} set={set} />;
    case 'number':
      return <NumberInput id={id} value={value} set={set} />;
    case 'keep':
      return <input id={id} type="checkbox" checked={value !== false} onChange={(e) => set(e.target.checked ? undefined : false)} />;
    case 'values':
      return <ValuesInput id={id} value={value} set={set} />;
    case 'names':
      return <ValuesInput id={id} value={value} set={(v) => set(Array.isArray(v) ? v.map(String) : v)} />;
    case 'column':
      return <ColumnSelect id={id} value={typeof value === 'string' ? value : ''} columns={columns} none="" onChange={set} />;
    case 'columns':
      return <ColumnChecks id={id} value={value} columns={columns} set={set} />;
    case 'renames': {
      const renames = Array.isArray(value) ? (value as Rename[]) : [];
      const change = (j: number, rename: Rename | null) =>
        set(rename === null ? renames.filter((_, k) => k !== j) : renames.map((x, k) => (k === j ? rename : x)));
      return (
        <span id={id}>
          {renames.map((r, j) => (
            <span key={j}>
              <ColumnSelect id={`${id}-${j}-from`} value={r.from ?? ''} columns={columns} onChange={(from) => change(j, { ...r, from })} /> to{' '}
              <input id={`${id}-${j}-to`} value={r.to ?? ''} onChange={(e) => change(j, { ...r, to: e.target.value })} />{' '}
              <button type="button" onClick={() => change(j, null)}>
                Remove
              </button>{' '}
            </span>
          ))}
          <button type="button" id={id + '-add'} onClick={() => set([...renames, { from: columns[0] ?? '', to: '' }])}>
            Add a rename
          </button>
        </span>
      );
    }
  }
}
