import { useEffect, useState } from 'react';
import { api, type ChartData, type ChartDefinition, type DatasetInfo, type FlowGraph } from '../api';
import { RowsTable } from '../table';
import { useAction } from '../useAction';

type Measure = ChartDefinition['measures'][number];

const TYPES = ['bar', 'line', 'area', 'pie', 'scatter', 'histogram', 'pivot_table'];
const FUNCTIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
// How a dimension is binned: its values, a date part, or numbers in bins of a width.
const BINS = ['', 'year', 'month', 'day', 'hour', 'width'];

interface Axis {
  column: string;
  bin: string; // one of BINS
  width: string;
}

function axisOf(dimension?: { column: string; bin?: number | string }): Axis {
  if (!dimension) return { column: '', bin: '', width: '' };
  const bin = dimension.bin;
  if (typeof bin === 'number') return { column: dimension.column, bin: 'width', width: String(bin) };
  return { column: dimension.column, bin: bin ?? '', width: '' };
}

function dimensionOf(axis: Axis): { column: string; bin?: number | string } {
  if (axis.bin === 'width') return { column: axis.column, bin: Number(axis.width) };
  return axis.bin ? { column: axis.column, bin: axis.bin } : { column: axis.column };
}

// A chart built field by field: its dataset and type, what it bins and what it measures,
// filters, order and limit. Draw shows the picture and the bins the server computes for
// it as it stands (nothing saved); Save saves it; a saved one downloads as SVG or PNG.
export function ChartBuilder({
  project,
  flow,
  existing,
  onSaved,
}: {
  project: string;
  flow: FlowGraph;
  existing: ChartData | null;
  onSaved: (name: string) => void;
}) {
  const start = existing?.definition;
  const query = '?project=' + encodeURIComponent(project);
  const [name, setName] = useState(start?.name ?? '');
  const [dataset, setDataset] = useState(start?.dataset ?? flow.datasets[0]?.name ?? '');
  const [type, setType] = useState(start?.type ?? 'bar');
  const [axes, setAxes] = useState<Axis[]>([axisOf(start?.dimensions[0]), axisOf(start?.dimensions[1])]);
  const [measures, setMeasures] = useState<Measure[]>(start?.measures?.length ? start.measures : [{ function: 'count' }]);
  const [filters, setFilters] = useState((start?.filters ?? []).join('\n'));
  const [sortBy, setSortBy] = useState(start?.sort?.by ?? 'dimension');
  const [descending, setDescending] = useState(start?.sort?.descending ?? false);
  const [limit, setLimit] = useState(start?.limit ? String(start.limit) : '');
  const [columns, setColumns] = useState<string[]>([]);
  const [drawn, setDrawn] = useState<ChartData | null>(existing);
  const { busy, error, run } = useAction();

  useEffect(() => {
    let current = true;
    if (!dataset) return;
    api<DatasetInfo>('GET', `/api/datasets/${dataset}${query}`)
      .then((info) => current && setColumns((info.columns ?? info.recorded_schema ?? []).map((c) => c.name)))
      .catch(() => current && setColumns([]));
    return () => {
      current = false;
    };
  }, [dataset, query]);

  const definition = (): ChartDefinition => {
    const dimensions = [dimensionOf(axes[0])];
    if (type === 'pivot_table' && axes[1].column) dimensions.push(dimensionOf(axes[1]));
    const chart: ChartDefinition = {
      ...(start ?? {}),
      name,
      dataset,
      type,
      dimensions,
      measures: measures.map((m) => (m.function === 'count' ? { function: 'count' } : { function: m.function, column: m.column ?? '' })),
      sort: { by: sortBy, descending },
    };
    const lines = filters.split('\n').map((f) => f.trim()).filter(Boolean);
    if (lines.length) chart.filters = lines;
    else delete chart.filters;
    if (limit) chart.limit = Number(limit);
    else delete chart.limit;
    return chart;
  };
  const draw = () =>
    run(async () => {
      setDrawn(await api<ChartData>('POST', '/api/charts/preview' + query, { chart: definition() }));
    });
  const save = () =>
    run(async () => {
      await api('POST', '/api/charts' + query, { chart: definition(), replace: existing !== null });
      onSaved(name);
    });
  const setAxis = (i: number, change: Partial<Axis>) =>
    setAxes(axes.map((axis, j) => (i === j ? { ...axis, ...change } : axis)));
  const columnSelect = (id: string, value: string, onChange: (value: string) => void, none?: string) => (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {!none && !columns.includes(value) && <option value={value}>{value || 'choose a column'}</option>}
      {columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
  const axisFields = (i: number, label: string, none?: string) => (
    <label className="field">
      <span>{label}</span>
      <span>
        {columnSelect('chart-dimension-' + i, axes[i].column, (column) => setAxis(i, { column }), none)}{' '}
        <select id={'chart-bin-' + i} value={axes[i].bin} onChange={(e) => setAxis(i, { bin: e.target.value })}>
          {BINS.map((b) => (
            <option key={b} value={b}>
              {b === '' ? 'each value' : b === 'width' ? 'bins of width…' : 'by ' + b}
            </option>
          ))}
        </select>{' '}
        {axes[i].bin === 'width' && (
          <input id={'chart-width-' + i} value={axes[i].width} size={6} onChange={(e) => setAxis(i, { width: e.target.value })} />
        )}
      </span>
    </label>
  );
  const picture = drawn?.svg
    ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(drawn.svg)
    : existing
      ? `/api/charts/${existing.chart}.svg${query}`
      : '';

  return (
    <section id="chart-builder" className="connection-form">
      <h2>{existing ? 'Chart ' + existing.chart : 'New chart'}</h2>
      {!existing && (
        <label className="field">
          <span>Name</span>
          <input id="chart-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
      )}
      <label className="field">
        <span>Dataset</span>
        <select id="chart-dataset" value={dataset} onChange={(e) => setDataset(e.target.value)}>
          {flow.datasets.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Type</span>
        <select id="chart-type" value={type} onChange={(e) => setType(e.target.value)}>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      {axisFields(0, type === 'pivot_table' ? 'Rows' : 'Dimension')}
      {type === 'pivot_table' && axisFields(1, 'Columns', 'none')}
      <div className="field">
        <span>Measures</span>
        <div>
          {measures.map((measure, i) => {
            // The first measure's fields keep their ids from when there was one.
            const suffix = i === 0 ? '' : '-' + i;
            const change = (next: Measure) => setMeasures(measures.map((m, j) => (i === j ? next : m)));
            return (
              <span key={i} className="row">
                <select id={'chart-function' + suffix} value={measure.function} onChange={(e) => change({ ...measure, function: e.target.value })}>
                  {FUNCTIONS.map((f) => (
                    <option key={f} value={f}>
                      {f.replace('_', ' ')}
                    </option>
                  ))}
                </select>{' '}
                {measure.function !== 'count' &&
                  columnSelect('chart-measure-column' + suffix, measure.column ?? '', (column) => change({ ...measure, column }))}{' '}
                {i > 0 && (
                  <button type="button" id={'chart-measure-remove' + suffix} onClick={() => setMeasures(measures.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                )}
              </span>
            );
          })}
          <button type="button" id="chart-measure-add" onClick={() => setMeasures([...measures, { function: 'count' }])}>
            Add a measure
          </button>
          <small>the first is drawn; every one is in the table of bins</small>
        </div>
      </div>
      <label className="field wide">
        <span>Filters</span>
        <textarea
          id="chart-filters"
          className="code"
          rows={2}
          spellCheck={false}
          placeholder="one formula a line, e.g. amount > 0"
          value={filters}
          onChange={(e) => setFilters(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Order</span>
        <span>
          <select id="chart-sort" value={sortBy} onChange={(e) => setSortBy(e.target.value)}>
            <option value="dimension">by dimension</option>
            <option value="measure">by measure</option>
          </select>{' '}
          <label className="check">
            <input id="chart-descending" type="checkbox" checked={descending} onChange={(e) => setDescending(e.target.checked)} />{' '}
            descending
          </label>{' '}
          limit{' '}
          <input id="chart-limit" value={limit} size={6} placeholder="all" onChange={(e) => setLimit(e.target.value)} />
        </span>
      </label>
      <div className="actions">
        <button id="chart-draw" type="button" disabled={busy} onClick={draw}>
          Draw
        </button>
        <button id="chart-save" type="button" disabled={busy || !name} onClick={save}>
          Save
        </button>
        {existing && (
          <>
            <a id="chart-download-svg" href={`/api/charts/${existing.chart}.svg${query}`} download={existing.chart + '.svg'}>
              SVG
            </a>{' '}
            <a id="chart-download-png" href={`/api/charts/${existing.chart}.png${query}`} download={existing.chart + '.png'}>
              PNG
            </a>
          </>
        )}
      </div>
      <p id="chart-builder-error" className="error">
        {error}
      </p>
      {drawn && (
        <>
          <figure id="chart-drawn">
            <img id="chart-picture" alt={'Chart ' + (name || 'preview')} src={picture} />
            <figcaption id="chart-drawn-caption">
              {drawn.rows.length} bin(s), engine {drawn.engine}
              {drawn.cached ? ', from the cache' : ''}
            </figcaption>
          </figure>
          <RowsTable id="chart-bins" columns={drawn.columns} rows={drawn.rows} />
          <pre id="chart-sql">{drawn.sql}</pre>
        </>
      )}
    </section>
  );
}
