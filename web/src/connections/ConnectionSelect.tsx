import type { Connection } from '../api';

// Connections whose data is tables (browsed by catalog, schema and table); the others
// hold files.
export function isSqlConnection(connection: Connection | undefined): boolean {
  return connection !== undefined && ['databricks', 'sqlite'].includes(connection.type ?? '');
}

// A menu of the connections the user may use, each with its type.
export function ConnectionSelect({
  id,
  connections,
  value,
  onChange,
  placeholder,
}: {
  id: string;
  connections: Connection[] | null;
  value: string;
  onChange: (name: string) => void;
  placeholder?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {connections?.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name} ({c.type})
        </option>
      ))}
    </select>
  );
}
