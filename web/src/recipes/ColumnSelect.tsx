// The input's columns, plus any the params name that it does not have (kept visible,
// so a stale name can be seen and taken out).
export function withChosen(columns: string[], chosen: string[]): string[] {
  return [...columns, ...chosen.filter((c) => !columns.includes(c))];
}

// A select of the columns; `value` stays offered when the columns lack it.
export function ColumnSelect({
  id,
  value,
  columns,
  none,
  onChange,
}: {
  id: string;
  value: string;
  columns: string[];
  none?: string; // offered as the empty choice, when a column may be left out
  onChange: (column: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {withChosen(columns, value ? [value] : []).map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}
