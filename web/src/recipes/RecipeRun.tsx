import { useState } from 'react';
import { api } from '../api';
import { RowsPreview } from '../datasets/RowsPreview';
import { BuildPanel } from '../flow/BuildPanel';
import { useAction } from '../useAction';

// Runs the saved recipe now, whether or not it is out of date (as `mortar recipe run`),
// follows its job, and then shows the rows of what it wrote.
export function RecipeRun({ project, name, outputs }: { project: string; name: string; outputs: string[] }) {
  const { busy, error, run } = useAction();
  const [jobId, setJobId] = useState<string | null>(null);
  const [ended, setEnded] = useState(0);
  const start = () =>
    run(async () => {
      setJobId(null);
      const started = await api<{ job: string }>('POST', '/api/builds', { project, recipe: name });
      setJobId(started.job);
    });
  return (
    <section id="recipe-run">
      <div className="actions">
        <button id="recipe-run-button" type="button" disabled={busy} onClick={start}>
          Run
        </button>{' '}
        <span className="detail">runs the recipe as saved, now</span>
      </div>
      <p id="recipe-run-error" className="error">
        {error}
      </p>
      {jobId && <BuildPanel key={jobId} jobId={jobId} onProgress={() => {}} onEnd={() => setEnded((n) => n + 1)} />}
      {jobId && ended > 0 && outputs[0] && (
        <>
          <h3>Output {outputs[0]}</h3>
          <RowsPreview key={jobId} project={project} name={outputs[0]} />
        </>
      )}
    </section>
  );
}
