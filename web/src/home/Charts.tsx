import { useEffect, useState } from 'react';
import { api, message, type Rows } from '../api';
import { RowsTable } from '../table';

interface ChartList {
  project: string;
  charts: { name: string; dataset: string }[];
}

interface ChartData extends Rows {
  chart: string;
  engine: string;
  cached?: boolean;
}

// The current project's charts: each drawn by the server on its live engine, with the
// numbers behind it.
export function Charts() {
  const [list, setList] = useState<ChartList | null>(null);
  const [note, setNote] = useState('');
  const [shown, setShown] = useState<ChartData | null>(null);
  const [image, setImage] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api<ChartList>('GET', '/api/charts')
      .then((r) => {
        setList(r);
        setNote(r.charts.length ? 'Project ' + r.project + ':' : 'Project ' + r.project + ' has no charts.');
      })
      .catch((e) => setNote(message(e)));
  }, []);

  const show = async (project: string, name: string) => {
    const query = '?project=' + encodeURIComponent(project);
    setError('');
    try {
      const r = await api<ChartData>('GET', `/api/charts/${name}${query}`);
      setShown(r);
      setImage(`/api/charts/${name}.svg${query}`);
    } catch (e) {
      setShown(null);
      setError(message(e));
    }
  };
  return (
    <section>
      <h2>Charts</h2>
      <p id="charts-note" className="result">
        {note}
      </p>
      <ul id="charts">
        {list?.charts.map((c) => (
          <li key={c.name}>
            {c.name} ({c.dataset}){' '}
            <button id={'chart-' + c.name} onClick={() => show(list.project, c.name)}>
              Show
            </button>
          </li>
        ))}
      </ul>
      {shown && (
        <figure id="chart-view">
          <img id="chart-image" alt={'Chart ' + shown.chart} src={image} />
          <figcaption id="chart-caption">
            {shown.chart}: {shown.rows.length} bin(s), engine {shown.engine}
            {shown.cached ? ', from the cache' : ''}
          </figcaption>
        </figure>
      )}
      <p id="chart-error" className="error">
        {error}
      </p>
      {shown ? <RowsTable id="chart-data" columns={shown.columns} rows={shown.rows} /> : <table id="chart-data" />}
    </section>
  );
}
