import { useEffect, useState } from 'react';
import type { RowsPage } from '../api';
import { readable } from '../table';
import { useApi } from '../useApi';

const PAGE_ROWS = 50;
const count = new Intl.NumberFormat('en-US');

// One page of rows at a time, read from the dataset as the CLI's preview does.
export function RowsPreview({ project, name }: { project: string; name: string }) {
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [project, name]);
  const { data: page, error } = useApi<RowsPage>(
    `/api/datasets/${name}/rows?project=${encodeURIComponent(project)}&offset=${offset}&limit=${PAGE_ROWS}`,
  );
  return (
    <section>
      <h3>Rows</h3>
      <p className="error">{error}</p>
      {page && (
        <>
          <div className="pager">
            <button id="rows-previous" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_ROWS))}>
              Previous
            </button>
            <span id="rows-range">
              {page.rows.length === 0
                ? 'no rows'
                : `rows ${count.format(offset + 1)} to ${count.format(offset + page.rows.length)}`}
            </span>
            <button id="rows-next" disabled={!page.more} onClick={() => setOffset(offset + PAGE_ROWS)}>
              Next
            </button>
          </div>
          <div className="scroll">
            <table id="rows">
              <thead>
                <tr>
                  {page.columns.map((c) => (
                    <th key={c.name} title={c.type}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.rows.map((values, r) => (
                  <tr key={offset + r}>
                    {values.map((v, i) => (
                      <td key={i} className={v === null ? 'null' : ''}>
                        {readable(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
