// The REST API as the studio calls it: JSON in and out, the header that marks a request
// as the page's own (the server refuses cookie-authenticated writes without it), and an
// Error carrying the server's message and status.

export class ApiError extends Error {
  // field: the configuration field the server says is wrong (params.keys), if any.
  constructor(message: string, readonly status: number, readonly field?: string) {
    super(message);
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'X-Mortar-Request': '1' };
  const options: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.error || response.statusText, response.status, data.field);
  return data as T;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface ProjectRole {
  name: string;
  role: string;
}

export interface Me {
  user: string;
  admin: boolean;
  projects: ProjectRole[];
  redirect_uri: string;
}

export interface Credentials {
  method: string;
  per_user?: boolean;
  provided?: boolean;
  obtained_at?: string;
  refreshed_at?: string;
  access_expires_at?: string;
  refresh_expires_at?: string;
  action?: string;
}

export interface Connection {
  name: string;
  type?: string;
  may?: { use?: boolean; free_sql?: boolean };
  credentials?: Credentials;
  error?: string;
}

export type Value = string | number | boolean | null;

export interface Rows {
  columns: string[];
  rows: Value[][];
}

export interface FlowDataset {
  name: string;
  connection: string;
  type: string;
  recipe: string;
}

export interface FlowRecipe {
  name: string;
  type: string;
  engine: string;
  inputs: string[];
  outputs: string[];
  up_to_date: boolean;
}

export interface FlowGraph {
  project: string;
  datasets: FlowDataset[];
  recipes: FlowRecipe[];
}

export interface Job {
  id: string;
  label: string;
  project: string;
  user: string;
  state: string;
  started: string;
  finished: string;
  error: string;
  log?: string[];
}

export interface ColumnType {
  name: string;
  type: string;
}

export interface DatasetInfo {
  name: string;
  connection: string;
  type: string;
  params: Record<string, unknown>;
  recipe: string;
  recorded_schema: ColumnType[] | null;
  exists: boolean;
  columns: ColumnType[] | null;
}

export interface RowsPage {
  columns: ColumnType[];
  rows: Value[][];
  offset: number;
  more: boolean;
}

export interface ColumnStatistics {
  name: string;
  type: string;
  nulls: number;
  distinct: number | null;
  min: string | null;
  max: string | null;
  top: { value: string | null; count: number }[];
}

export interface DatasetStatistics {
  rows: number;
  engine: string;
  columns: ColumnStatistics[];
}

export interface ConnectionSettings {
  name: string;
  type: string;
  description: string;
  params: Record<string, unknown>;
  permissions: Record<string, unknown>;
  secrets: { field: string; updated_at: string }[];
  secret_fields: string[];
  redirect_uri: string;
}

// A python recipe's code: the file params.script names ("" for params.code) and its text.
export interface RecipeScript {
  script: string;
  code: string;
}

export interface RecipeConfig {
  name: string;
  type: string;
  inputs: string[];
  outputs: string[];
  params: Record<string, unknown>;
  engine?: string;
}

export interface RecipeExplanation {
  engine?: string;
  sql?: string;
  // Why not an engine preferred to it, when one was passed over.
  why?: string;
  error?: string;
}

// A chart's definition, as docs/charts.md describes it.
export interface ChartDefinition {
  name: string;
  dataset: string;
  type: string;
  dimensions: { column: string; bin?: number | string }[];
  measures: { function: string; column?: string }[];
  filters?: string[];
  sort?: { by: string; descending: boolean };
  limit?: number;
  [field: string]: unknown;
}

// A chart's bins as its engine computed them.
export interface ChartData extends Rows {
  chart: string;
  type: string;
  engine: string;
  cached?: boolean;
  sql: string;
  definition?: ChartDefinition;
  svg?: string;
}
