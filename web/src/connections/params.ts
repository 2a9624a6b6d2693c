// A connection's params are nested objects ("auth": {"type": ...}); forms name their
// fields by dotted paths ("auth.type"), as `mortar connection set --param` does.

export type Params = Record<string, unknown>;

export function getParam(params: Params, path: string): string {
  let at: unknown = params;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return '';
    at = (at as Params)[key];
  }
  if (at === undefined || at === null) return '';
  return typeof at === 'string' ? at : JSON.stringify(at);
}

// A copy of `params` with the path set to the value (an empty value removes it; a
// number stays a number, a list of groups a list).
export function setParam(params: Params, path: string, value: string, kind: 'text' | 'number' | 'list'): Params {
  const copy: Params = structuredClone(params);
  const keys = path.split('.');
  let at = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Params;
  }
  const last = keys[keys.length - 1];
  if (value.trim() === '') {
    delete at[last];
  } else if (kind === 'number' && /^-?\d+$/.test(value.trim())) {
    at[last] = Number(value.trim());
  } else if (kind === 'list') {
    at[last] = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v);
  } else {
    at[last] = value;
  }
  return copy;
}
