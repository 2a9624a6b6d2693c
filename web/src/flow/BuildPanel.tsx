import { useEffect, useState } from 'react';
import { api, message, type Job } from '../api';
import { buildProgress, type RecipeProgress } from './buildProgress';

const POLL_MS = 1000;

// A build started from the flow: each recipe with its engine and rows as the job log
// reports them, the log's tail, and cancel while it runs.
export function BuildPanel({
  jobId,
  onProgress,
  onEnd,
}: {
  jobId: string;
  onProgress: (recipes: RecipeProgress[]) => void;
  onEnd: () => void;
}) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState('');
  // Polled until the job ends; the callbacks of the first render are the ones used.
  useEffect(() => {
    let current = true;
    let timer = 0;
    const poll = async () => {
      try {
        const shown = await api<Job>('GET', `/api/jobs/${jobId}?lines=500`);
        if (!current) return;
        setJob(shown);
        onProgress(buildProgress(shown.log ?? [], shown.state));
        if (shown.state === 'running') timer = window.setTimeout(poll, POLL_MS);
        else onEnd();
      } catch (e) {
        if (current) setError(message(e));
      }
    };
    poll();
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [jobId]);

  const cancel = async () => {
    try {
      await api('POST', `/api/jobs/${jobId}/cancel`);
    } catch (e) {
      setError(message(e));
    }
  };
  const recipes = job ? buildProgress(job.log ?? [], job.state) : [];
  return (
    <section id="build-panel">
      <h3>
        Build <span id="build-state" className={'state ' + (job?.state ?? 'running')}>{job?.state ?? 'starting'}</span>{' '}
        {job?.state === 'running' && (
          <button id="build-cancel" onClick={cancel}>
            Cancel
          </button>
        )}
      </h3>
      <p className="job-id">Job {jobId}</p>
      {job?.error && <p className="error">{job.error}</p>}
      <p className="error">{error}</p>
      <table id="build-recipes">
        <tbody>
          {recipes.map((r) => (
            <tr key={r.recipe} id={'build-recipe-' + r.recipe} className={r.state}>
              <td>{r.recipe}</td>
              <td>
                {r.engine}
                {r.why && <small className="detail"> (not a preferred one: {r.why})</small>}
              </td>
              <td className="state">{r.state}</td>
              <td>{r.progress}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <pre id="build-log">{(job?.log ?? []).slice(-20).join('\n')}</pre>
    </section>
  );
}
