// Values as the user types them, comma-separated (a pivot's values, a prepare filter's).

// A value as the user types it: a number stays a number (but "007" or "1.50" stay text).
export function typedValue(text: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text ? Number(text) : text;
}

// The list, set when the field is left; empty sets nothing.
export function ValuesInput({ id, value, set }: { id: string; value: unknown; set: (value: unknown) => void }) {
  const shown = Array.isArray(value) ? value.map(String).join(', ') : '';
  return (
    <input
      id={id}
      key={shown}
      defaultValue={shown}
      onBlur={(e) => {
        const parts = e.target.value
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '');
        set(parts.length === 0 ? undefined : parts.map(typedValue));
      }}
    />
  );
}
