import type { ReactNode } from 'react';

// The fields of a form that edits a params object (a recipe's, a prepare step's, a
// dataset's): how a field's value goes into the params, and how a field is laid out
// with its help and the server's error about it.

// A copy of `params` with `key` set to `value`; an emptied field (undefined or '') leaves
// the key out, so the default applies.
export function withParam<T extends Record<string, unknown>>(params: T, key: string, value: unknown): T {
  const next = { ...params };
  if (value === undefined || value === '') delete next[key];
  else (next as Record<string, unknown>)[key] = value;
  return next;
}

// A labelled field: its input, its help, and `error` shown under it when the server named
// this field (`shown`).
export function ParamField({ id, errorId, label, help, shown, error, children }: { id: string; errorId: string; label: string; help?: string; shown: boolean; error: string; children: ReactNode }) {
  return (
    <div className="field" id={id}>
      <span>{label}</span>
      <div>
        {children}
        {help && <small>{help}</small>}
        {shown && (
          <small id={errorId} className="error">
            {error}
          </small>
        )}
      </div>
    </div>
  );
}
