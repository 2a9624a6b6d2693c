import { type ReactNode, useState } from 'react';
import { ParamField, withParam } from '../ParamField';
import { FolderBrowse } from './FolderBrowse';

// A dataset's params as fields, by the kind of dataset its connection makes: a file or
// folder with its format and CSV options, a table by catalog, schema and name, or a query
// (docs/getting-started.md, Datasets). Params the fields do not show are kept as they are;
// an emptied field leaves its param out, so the dataset's default applies. A server
// error about a param shows at its field.
export type DatasetKind = 'files' | 'sql_table' | 'sql_query';
type Params = Record<string, unknown>;

export function DatasetParamsFields({
  kind,
  connection,
  params,
  set,
  errorParam,
  error,
}: {
  kind: DatasetKind;
  connection: string;
  params: Params;
  set: (params: Params) => void;
  errorParam: string;
  error: string;
}) {
  const [browsing, setBrowsing] = useState(false);
  const csv = (typeof params.csv === 'object' && params.csv !== null ? params.csv : {}) as Params;
  const setCsv = (key: string, value: unknown) => {
    const options = withParam(csv, key, value);
    set(withParam(params, 'csv', Object.keys(options).length ? options : undefined));
  };
  const text = (key: string, label: string, help?: string) => (
    <Field name={key} label={label} help={help} errorParam={errorParam} error={error}>
      <input id={'dataset-param-' + key} value={typeof params[key] === 'string' ? (params[key] as string) : ''} onChange={(e) => set(withParam(params, key, e.target.value))} />
    </Field>
  );
  if (kind === 'sql_query')
    return (
      <Field name="query" label="Query" help="read-only: the dataset cannot be written" errorParam={errorParam} error={error}>
        <textarea id="dataset-param-query" className="code" rows={5} spellCheck={false} value={typeof params.query === 'string' ? params.query : ''} onChange={(e) => set(withParam(params, 'query', e.target.value))} />
      </Field>
    );
  if (kind === 'sql_table')
    return (
      <>
        {text('catalog', 'Catalog', "empty: the connection's default")}
        {text('schema', 'Schema', "empty: the connection's default")}
        {text('table', 'Table')}
      </>
    );
  const path = typeof params.path === 'string' ? params.path : '';
  const format = typeof params.format === 'string' ? params.format : '';
  const isCsv = format === 'csv' || (format === '' && !/\.parquet$/i.test(path));
  const checkbox = (key: string, label: string) => (
    <label className="check">
      <input type="checkbox" id={'dataset-param-csv-' + key} checked={csv[key] !== false} onChange={(e) => setCsv(key, e.target.checked ? undefined : false)} /> {label}
    </label>
  );
  return (
    <>
      <Field name="path" label="Path" help="a file, or a folder of files read in name order" errorParam={errorParam} error={error}>
        <input id="dataset-param-path" value={path} onChange={(e) => set(withParam(params, 'path', e.target.value))} />{' '}
        <button type="button" id="dataset-param-browse" onClick={() => setBrowsing(!browsing)}>
          {browsing ? 'Close' : 'Browse'}
        </button>
        {browsing && (
          <FolderBrowse
            connection={connection}
            onPick={(picked) => {
              set(withParam(params, 'path', picked));
              setBrowsing(false);
            }}
          />
        )}
      </Field>
      <Field name="format" label="Format" errorParam={errorParam} error={error}>
        <select id="dataset-param-format" value={format} onChange={(e) => set(withParam(params, 'format', e.target.value))}>
          <option value="">from the file's extension</option>
          <option value="csv">csv</option>
          <option value="parquet">parquet</option>
        </select>
      </Field>
      {isCsv && (
        <Field name="csv" label="CSV" help="delimiter: one character, or tab; empty fields: the defaults" errorParam={errorParam} error={error}>
          {checkbox('header', 'a header line')}
          {checkbox('multiline', 'quoted values may hold line breaks')}
          <label className="check">
            delimiter <input id="dataset-param-csv-delimiter" size={4} placeholder="," value={typeof csv.delimiter === 'string' ? csv.delimiter : ''} onChange={(e) => setCsv('delimiter', e.target.value)} />
          </label>
          <label className="check">
            quote <input id="dataset-param-csv-quote" size={4} placeholder={'"'} value={typeof csv.quote === 'string' ? csv.quote : ''} onChange={(e) => setCsv('quote', e.target.value)} />
          </label>
          <label className="check">
            compression{' '}
            <select id="dataset-param-csv-compression" value={typeof csv.compression === 'string' ? csv.compression : ''} onChange={(e) => setCsv('compression', e.target.value)}>
              <option value="">auto (by name)</option>
              <option value="none">none</option>
              <option value="gzip">gzip</option>
            </select>
          </label>
        </Field>
      )}
    </>
  );
}

// A field of the dataset's params, its error shown when the server named it.
function Field({ name, label, help, errorParam, error, children }: { name: string; label: string; help?: string; errorParam: string; error: string; children: ReactNode }) {
  return (
    <ParamField id={'dataset-field-' + name} errorId={'dataset-param-error-' + name} label={label} help={help} shown={errorParam === name} error={error}>
      {children}
    </ParamField>
  );
}
