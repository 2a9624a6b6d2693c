// What a build's job log says of each recipe, for the flow's live view. The log's lines
// (flow.cc, job_log.cc) are "<time> <LEVEL> <text>":
//   INFO recipe NAME (TYPE): engine ENGINE (WHY)  a recipe starts, on that engine; WHY,
//                                                 when given, is why not a preferred one
//   PROGRESS <label>: 1,250,000 rows, 410,000 rows/s
//   INFO recipe NAME: up to date, skipped
//   INFO build finished

export type RecipeActivity = 'running' | 'done' | 'skipped' | 'failed';

export interface RecipeProgress {
  recipe: string;
  engine: string;
  why: string;
  state: RecipeActivity;
  progress: string;
}

const LINE = /^\S+ (INFO|PROGRESS|ERROR) (.*)$/;
const STARTS = /^recipe (\S+) \([^)]*\): engine (\S+)(?: \((.*)\))?$/;
const SKIPPED = /^recipe (\S+): up to date, skipped/;

export function buildProgress(log: string[], jobState: string): RecipeProgress[] {
  const recipes: RecipeProgress[] = [];
  let current: RecipeProgress | null = null;
  for (const line of log) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, level, text] = match;
    const starts = level === 'INFO' ? STARTS.exec(text) : null;
    const skipped = level === 'INFO' ? SKIPPED.exec(text) : null;
    if (starts) {
      if (current) current.state = 'done';
      current = { recipe: starts[1], engine: starts[2], why: starts[3] ?? '', state: 'running', progress: '' };
      recipes.push(current);
    } else if (skipped) {
      if (current) current.state = 'done';
      current = null;
      recipes.push({ recipe: skipped[1], engine: '', why: '', state: 'skipped', progress: 'up to date' });
    } else if (current && level === 'PROGRESS') {
      current.progress = text.replace(/^[^:]*: /, '');
    } else if (current && level === 'INFO' && text === 'build finished') {
      current.state = 'done';
      current = null;
    }
  }
  // The log may not cover the whole build (its tail only); the job's state is the truth.
  if (current && jobState !== 'running') current.state = jobState === 'succeeded' ? 'done' : 'failed';
  return recipes;
}
