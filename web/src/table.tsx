import type { Value } from './api';

// A value for people: doubles to 15 significant digits (0.3, not 0.30000000000000004),
// as the command line's tables show them; decimals arrive as exact text.
export function readable(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toPrecision(15)));
  return String(value);
}

// Rows under a header row, as the command line prints them.
export function RowsTable({ id, columns, rows }: { id: string; columns: string[]; rows: Value[][] }) {
  return (
    <table id={id}>
      <tbody>
        <tr>
          {columns.map((name, i) => (
            <td key={i}>{name}</td>
          ))}
        </tr>
        {rows.map((values, r) => (
          <tr key={r}>
            {values.map((value, i) => (
              <td key={i}>{readable(value)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A line that says how something went: green when it worked, red when it did not.
export interface Outcome {
  text: string;
  error: boolean;
}

export function OutcomeLine({ id, outcome }: { id: string; outcome: Outcome | null }) {
  return (
    <p id={id} className={outcome?.error ? 'error' : 'result'}>
      {outcome?.text ?? ''}
    </p>
  );
}
