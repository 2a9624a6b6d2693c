import { withChosen } from './ColumnSelect';

// The plain inputs a visual recipe's settings are made of, shared by the recipe forms
// and the prepare recipe's steps. An emptied one sets undefined or '', which withParam
// (ParamField.tsx) leaves out of the params.

// Text, or a formula (shown as code).
export function TextInput({ id, value, code, set }: { id: string; value: unknown; code?: boolean; set: (value: unknown) => void }) {
  return <input id={id} className={code ? 'code' : ''} value={typeof value === 'string' ? value : ''} onChange={(e) => set(e.target.value)} />;
}

// A number, whole or not.
export function NumberInput({ id, value, set }: { id: string; value: unknown; set: (value: unknown) => void }) {
  return (
    <input
      id={id}
      type="number"
      step="any"
      value={typeof value === 'number' ? value : ''}
      onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

// Columns ticked from the input's, in the order they were ticked (it matters to
// reorder and concat).
export function ColumnChecks({ id, value, columns, set }: { id: string; value: unknown; columns: string[]; set: (value: unknown) => void }) {
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
