import { ColumnChecks, TextInput } from './FieldInputs';
import type { InputColumns } from './JoinsEditor';

// A join recipe's select: per input, whether its columns are kept (all of them, the ones
// ticked, or none) and a prefix for their output names. Every input's every column
// without a prefix leaves select out, as the recipe's default (docs/recipes.md).
interface Selected {
  input: string;
  columns?: string[];
  prefix?: string;
}

type Keep = 'all' | 'some' | 'none';

export function JoinSelectEditor({ id, value, inputs, set }: { id: string; value: unknown; inputs: InputColumns[]; set: (value: unknown) => void }) {
  const listed = Array.isArray(value) ? (value as Selected[]) : null;
  const entryOf = (input: string): Selected | undefined => (listed ? listed.find((s) => s.input === input) : { input });
  const keepOf = (entry: Selected | undefined): Keep => (!entry ? 'none' : Array.isArray(entry.columns) ? 'some' : 'all');
  const change = (input: string, next: Selected | undefined) => {
    const entries = inputs.map((i) => (i.name === input ? next : entryOf(i.name))).filter((e): e is Selected => e !== undefined);
    const everything = entries.length === inputs.length && entries.every((e) => e.columns === undefined && !e.prefix);
    set(everything ? undefined : entries);
  };
  return (
    <span id={id}>
      {inputs.map((input) => {
        const entry = entryOf(input.name);
        const keep = keepOf(entry);
        const rowId = `${id}-${input.name}`;
        return (
          <span key={input.name} className="row" id={rowId}>
            <b>{input.name}</b>:{' '}
            <select
              id={rowId + '-keep'}
              value={keep}
              onChange={(e) => {
                const chosen = e.target.value as Keep;
                if (chosen === 'none') return change(input.name, undefined);
                const { columns: _, ...rest } = entry ?? { input: input.name };
                change(input.name, chosen === 'some' ? { ...rest, columns: entry?.columns ?? [] } : rest);
              }}
            >
              <option value="all">all columns</option>
              <option value="some">the columns ticked</option>
              <option value="none">no column</option>
            </select>{' '}
            {keep !== 'none' && entry && (
              <>
                prefix{' '}
                <TextInput
                  id={rowId + '-prefix'}
                  value={entry.prefix}
                  set={(prefix) => {
                    const { prefix: _, ...rest } = entry;
                    change(input.name, typeof prefix === 'string' && prefix !== '' ? { ...rest, prefix } : rest);
                  }}
                />
              </>
            )}
            {keep === 'some' && entry && (
              <ColumnChecks id={rowId + '-columns'} value={entry.columns} columns={input.columns} set={(columns) => change(input.name, { ...entry, columns: (columns as string[]) ?? [] })} />
            )}
          </span>
        );
      })}
    </span>
  );
}
