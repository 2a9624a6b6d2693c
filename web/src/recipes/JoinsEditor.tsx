import { ColumnSelect } from './ColumnSelect';

// A join recipe's joins: one per input after the first, each a type and its conditions.
// A condition's left side is a column of the first input, or `dataset.column` of an input
// joined before; its right side a column of the input being joined (docs/recipes.md).
export interface InputColumns {
  name: string;
  columns: string[];
}
interface Condition {
  left: string;
  right: string;
  operator?: string;
}
interface Join {
  type?: string;
  on?: Condition[];
}

const TYPES = ['inner', 'left', 'right', 'full', 'cross'];
const OPERATORS = ['=', '<>', '<', '<=', '>', '>='];

export function JoinsEditor({ id, value, inputs, set }: { id: string; value: unknown; inputs: InputColumns[]; set: (value: unknown) => void }) {
  const joins = Array.isArray(value) ? (value as Join[]) : [];
  const further = inputs.slice(1);
  if (further.length === 0) return <small>choose two inputs or more</small>;
  const change = (k: number, join: Join) => {
    const next = further.map((_, i) => joins[i] ?? { type: 'inner', on: [] });
    next[k] = join;
    set(next);
  };
  return (
    <span id={id}>
      {further.map((input, k) => {
        const join = joins[k] ?? { type: 'inner', on: [] };
        const on = join.on ?? [];
        const left = [
          ...inputs[0].columns,
          ...inputs.slice(1, k + 1).flatMap((earlier) => earlier.columns.map((c) => earlier.name + '.' + c)),
        ];
        const setOn = (conditions: Condition[]) => change(k, { ...join, on: conditions });
        return (
          <span key={input.name} className="row" id={`${id}-${k}`}>
            <select id={`${id}-${k}-type`} value={join.type ?? 'inner'} onChange={(e) => change(k, { ...join, type: e.target.value })}>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>{' '}
            join <b>{input.name}</b>
            {join.type !== 'cross' &&
              on.map((condition, c) => {
                const setCondition = (next: Condition) => setOn(on.map((x, j) => (j === c ? next : x)));
                return (
                  <span key={c} className="row">
                    <ColumnSelect id={`${id}-${k}-${c}-left`} value={condition.left} columns={left} onChange={(v) => setCondition({ ...condition, left: v })} />{' '}
                    <select
                      id={`${id}-${k}-${c}-operator`}
                      value={condition.operator ?? '='}
                      onChange={(e) => {
                        const { operator: _, ...rest } = condition;
                        setCondition(e.target.value === '=' ? rest : { ...rest, operator: e.target.value });
                      }}
                    >
                      {OPERATORS.map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>{' '}
                    <ColumnSelect id={`${id}-${k}-${c}-right`} value={condition.right} columns={input.columns} onChange={(v) => setCondition({ ...condition, right: v })} />{' '}
                    <button type="button" onClick={() => setOn(on.filter((_, j) => j !== c))}>
                      Remove
                    </button>
                  </span>
                );
              })}{' '}
            {join.type !== 'cross' && (
              <button type="button" id={`${id}-${k}-add`} onClick={() => setOn([...on, { left: left[0] ?? '', right: input.columns[0] ?? '' }])}>
                Add a condition
              </button>
            )}
          </span>
        );
      })}
    </span>
  );
}
