// Each recipe type with the params a new recipe of it starts from (docs/recipes.md).
export const RECIPE_TEMPLATES: Record<string, Record<string, unknown>> = {
  sync: {},
  sql: { sql: 'SELECT * FROM input' },
  python: { script: 'recipes/my_recipe.py' },
  prepare: { steps: [{ type: 'fill_empty', columns: [], value: '' }] },
  filter: { expression: 'TRUE' },
  group: { keys: [], count: true, aggregations: [] },
  window: { partition_by: [], order_by: [], computations: [{ function: 'row_number', output: 'rn' }] },
  join: { joins: [{ type: 'left', on: [{ left: '', right: '' }] }] },
  stack: { mode: 'name' },
  distinct: { columns: [] },
  top_n: { n: 10, order_by: [{ column: '', descending: true }] },
  sort: { order_by: [{ column: '' }] },
  pivot: { keys: [], column: '', values: [], aggregations: [] },
  split: { rules: [{ expression: 'TRUE', output: '' }] },
};

export const RECIPE_TYPES = Object.keys(RECIPE_TEMPLATES);
