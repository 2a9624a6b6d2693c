import { useCallback, useEffect, useState } from 'react';
import { api, message, type Job } from '../api';
import { OutcomeLine, type Outcome } from '../table';

const REFRESH_MS = 2000;

// The jobs of the projects this user may read, newest first; one open with its log,
// and cancel for a running one (the server checks the user may write its project).
export function JobsPage() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [open, setOpen] = useState<Job | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const openId = open?.id;

  const refresh = useCallback(async () => {
    try {
      const r = await api<{ jobs: Job[] }>('GET', '/api/jobs?limit=50');
      setJobs(r.jobs);
      if (openId) setOpen(await api<Job>('GET', `/api/jobs/${openId}?lines=200`));
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  }, [openId]);
  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  const show = async (id: string) => {
    try {
      setOpen(await api<Job>('GET', `/api/jobs/${id}?lines=200`));
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };
  const cancel = async (id: string) => {
    try {
      await api('POST', `/api/jobs/${id}/cancel`);
      setOutcome({ text: 'Asked job ' + id + ' to stop.', error: false });
      await refresh();
    } catch (e) {
      setOutcome({ text: message(e), error: true });
    }
  };

  return (
    <section>
      <h2>Jobs</h2>
      {jobs.length === 0 ? (
        <p id="jobs-none">No jobs yet: build a dataset or run a recipe, and it shows here.</p>
      ) : (
        <table id="jobs">
          <thead>
            <tr>
              <th>Started</th>
              <th>Project</th>
              <th>What</th>
              <th>User</th>
              <th>State</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} id={'job-' + job.id} className={'job ' + job.state}>
                <td>{job.started}</td>
                <td>{job.project}</td>
                <td>{job.label}</td>
                <td>{job.user}</td>
                <td className="state">{job.state}</td>
                <td>
                  <button id={'job-show-' + job.id} onClick={() => show(job.id)}>
                    Log
                  </button>
                  {job.state === 'running' && (
                    <button id={'job-cancel-' + job.id} onClick={() => cancel(job.id)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <OutcomeLine id="jobs-result" outcome={outcome} />
      {open && (
        <section id="job-view">
          <h3>
            {open.label} <span className={'state ' + open.state}>{open.state}</span>
          </h3>
          <p>
            Project {open.project}, by {open.user}, started {open.started}
            {open.finished ? ', ended ' + open.finished : ''}
          </p>
          {open.error && <p className="error">{open.error}</p>}
          <pre id="job-log">{(open.log ?? []).join('\n')}</pre>
        </section>
      )}
    </section>
  );
}
