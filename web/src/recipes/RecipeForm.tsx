import { useEffect, useRef, useState } from 'react';
import {
  api,
  message,
  type Connection,
  type DatasetInfo,
  type FlowGraph,
  type RecipeConfig,
  type RecipeExplanation,
  type RecipeScript,
} from '../api';
import { CodeEditor, type SqlSchema } from '../CodeEditor';
import { ConnectionSelect } from '../connections/ConnectionSelect';
import { useAction } from '../useAction';
import { useApi } from '../useApi';
import { RecipeRun } from './RecipeRun';
import { RECIPE_TEMPLATES, RECIPE_TYPES } from './templates';
import { hasVisualForm, paramOfField, VisualParamsForm } from './VisualParamsForm';

const NEW_OUTPUT = '+new';

// The recipe's definition, new or existing: what it reads and writes, its params (the
// SQL of a SQL recipe in its own box), Check (the engine a build would choose and the SQL
// it would run, or what is wrong) and Save. A new output dataset is defined with it.
export function RecipeForm({
  project,
  flow,
  existing,
  explained,
  onSaved,
}: {
  project: string;
  flow: FlowGraph;
  existing: RecipeConfig | null;
  // An existing recipe's engine and SQL as the server explained them.
  explained: RecipeExplanation | null;
  onSaved: (name: string) => void;
}) {
  const { data: connections } = useApi<Connection[]>('/api/connections');
  const [name, setName] = useState(existing?.name ?? '');
  const [type, setType] = useState(existing?.type ?? 'sql');
  const [inputs, setInputs] = useState<string[]>(existing?.inputs ?? []);
  const [output, setOutput] = useState(existing?.outputs[0] ?? NEW_OUTPUT);
  // A split recipe's further outputs (its rules name them), kept as they are otherwise.
  const [moreOutputs, setMoreOutputs] = useState<string[]>(existing?.outputs.slice(1) ?? []);
  const [newOutput, setNewOutput] = useState({ name: '', connection: 'sqlite_default', source: '' });
  const [engine, setEngine] = useState(existing?.engine ?? '');
  const [paramsText, setParamsText] = useState(JSON.stringify(existing?.params ?? RECIPE_TEMPLATES.sql, null, 2));
  const [explanation, setExplanation] = useState<RecipeExplanation | null>(explained);
  const { busy, error, errorField, setError, run: act } = useAction();
  const query = '?project=' + encodeURIComponent(project);
  const isSql = type === 'sql';
  const isPython = type === 'python';
  const outputName = output === NEW_OUTPUT ? newOutput.name : output;
  // A python recipe's code: its script file's content or its params.code, saved with it.
  const [code, setCode] = useState<string | null>(null);
  const editingScript = isPython && existing?.type === 'python';
  // Until it is edited, a new recipe's code follows what it reads and writes.
  const starter = useRef('');
  useEffect(() => {
    if (!isPython || editingScript) return;
    const next = starterScript(inputs, outputName ? [outputName] : []);
    const previous = starter.current;
    starter.current = next;
    setCode((current) => (current === null || current === previous ? next : current));
  }, [isPython, editingScript, inputs, outputName]);
  useEffect(() => {
    if (!existing || !editingScript) return;
    let current = true;
    api<RecipeScript>('GET', `/api/recipes/${existing.name}/script${query}`)
      .then((script) => current && setCode(script.code || starterScript(existing.inputs, existing.outputs)))
      .catch((e) => current && setError(message(e)));
    return () => {
      current = false;
    };
  }, [existing, editingScript, query]);
  // A new python recipe's script is named after it.
  useEffect(() => {
    if (!existing && isPython)
      setParamsText(JSON.stringify({ script: 'recipes/' + (name || 'my_recipe') + '.py' }, null, 2));
  }, [existing, isPython, name]);
  const [schema, setSchema] = useState<SqlSchema>({});
  // What the SQL editor completes: the project's datasets, with the columns of those the
  // recipe reads.
  useEffect(() => {
    let current = true;
    const tables: SqlSchema = Object.fromEntries(flow.datasets.map((d) => [d.name, []]));
    Promise.all(
      inputs.map((name) =>
        api<DatasetInfo>('GET', `/api/datasets/${name}${query}`)
          .then((info) => {
            tables[name] = (info.columns ?? info.recorded_schema ?? []).map((c) => c.name);
          })
          .catch(() => undefined),
      ),
    ).then(() => current && setSchema(tables));
    return () => {
      current = false;
    };
  }, [flow, inputs, query]);
  const params = (() => {
    try {
      return JSON.parse(paramsText) as Record<string, unknown>;
    } catch {
      return null;
    }
  })();

  const chooseType = (next: string) => {
    setType(next);
    if (!existing) setParamsText(JSON.stringify(RECIPE_TEMPLATES[next] ?? {}, null, 2));
    setExplanation(null);
  };
  const setSql = (sql: string) => setParamsText(JSON.stringify({ ...(params ?? {}), sql }, null, 2));
  const recipe = (): RecipeConfig => ({
    name,
    type,
    inputs,
    outputs: outputName ? [outputName, ...moreOutputs.filter((o) => o !== outputName)] : [],
    params: params ?? {},
    ...(engine ? { engine } : {}),
  });

  const run = (what: () => Promise<void>) =>
    act(async () => {
      if (params === null) throw new Error('the params are not a JSON object');
      await what();
    });
  const check = () =>
    run(async () => {
      setExplanation(null);
      if (output === NEW_OUTPUT) throw new Error('Save defines the new output dataset; check with an existing one, or save');
      setExplanation(await api<RecipeExplanation>('POST', '/api/recipes/explain' + query, { recipe: recipe() }));
    });
  const save = () =>
    run(async () => {
      if (output === NEW_OUTPUT) {
        await api('POST', '/api/datasets' + query, { ...newOutput, define: true });
        setOutput(newOutput.name);
      }
      const saved = await api<{ explanation: RecipeExplanation }>('POST', '/api/recipes' + query, {
        recipe: recipe(),
        replace: existing !== null,
      });
      if (isPython && code !== null)
        await api('PUT', `/api/recipes/${name}/script${query}`, { code });
      setExplanation(saved.explanation);
      onSaved(name);
    });

  return (
    <section id="recipe-form" className="connection-form">
      <h2>{existing ? 'Recipe ' + existing.name : 'New recipe'}</h2>
      {!existing && (
        <label className="field">
          <span>Name</span>
          <input id="recipe-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
      )}
      <label className="field">
        <span>Type</span>
        <select id="recipe-type" value={type} onChange={(e) => chooseType(e.target.value)}>
          {RECIPE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Reads</legend>
        {flow.datasets.map((d) => (
          <label key={d.name} className="check">
            <input
              type="checkbox"
              id={'recipe-input-' + d.name}
              checked={inputs.includes(d.name)}
              onChange={(e) =>
                setInputs(e.target.checked ? [...inputs, d.name] : inputs.filter((i) => i !== d.name))
              }
            />{' '}
            {d.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Writes</legend>
        <label className="field">
          <span>Output</span>
          <select id="recipe-output" value={output} onChange={(e) => setOutput(e.target.value)}>
            <option value={NEW_OUTPUT}>a new dataset…</option>
            {flow.datasets
              .filter((d) => !inputs.includes(d.name))
              .map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                  {d.recipe && d.recipe !== existing?.name ? ' (made by ' + d.recipe + ')' : ''}
                </option>
              ))}
          </select>
        </label>
        {(type === 'split' || moreOutputs.length > 0) && (
          <div className="field">
            <span>Also writes</span>
            <span id="recipe-more-outputs">
              {flow.datasets
                .filter((d) => !inputs.includes(d.name) && d.name !== output)
                .map((d) => (
                  <label key={d.name} className="check">
                    <input
                      type="checkbox"
                      id={'recipe-more-output-' + d.name}
                      checked={moreOutputs.includes(d.name)}
                      onChange={(e) =>
                        setMoreOutputs(e.target.checked ? [...moreOutputs, d.name] : moreOutputs.filter((o) => o !== d.name))
                      }
                    />{' '}
                    {d.name}
                  </label>
                ))}
            </span>
          </div>
        )}
        {output === NEW_OUTPUT && (
          <>
            <label className="field">
              <span>New dataset</span>
              <input id="output-name" value={newOutput.name} onChange={(e) => setNewOutput({ ...newOutput, name: e.target.value })} />
            </label>
            <label className="field">
              <span>On connection</span>
              <ConnectionSelect
                id="output-connection"
                connections={connections}
                value={newOutput.connection}
                onChange={(connection) => setNewOutput({ ...newOutput, connection })}
              />
            </label>
            <label className="field">
              <span>Table or path</span>
              <input
                id="output-source"
                value={newOutput.source}
                placeholder="[catalog.][schema.]table, or a path"
                onChange={(e) => setNewOutput({ ...newOutput, source: e.target.value })}
              />
            </label>
          </>
        )}
      </fieldset>
      <label className="field">
        <span>Engine</span>
        <input id="recipe-engine" value={engine} placeholder="chosen for its datasets" onChange={(e) => setEngine(e.target.value)} />
      </label>
      {isSql && (
        <label className="field wide">
          <span>SQL</span>
          <CodeEditor
            id="recipe-sql-text"
            language="sql"
            schema={schema}
            defaultTable={inputs[0]}
            value={typeof params?.sql === 'string' ? params.sql : ''}
            onChange={setSql}
          />
          <small>
            an input is written {'${name}'}, which becomes its table; the output is what the query returns
            (Ctrl-Space completes)
          </small>
        </label>
      )}
      {isPython && (
        <label className="field wide">
          <span>Python</span>
          <CodeEditor id="recipe-python-code" language="python" value={code ?? ''} onChange={setCode} />
          <small>
            saved with the recipe, into {typeof params?.script === 'string' ? params.script : 'its params.code'}; read
            and write datasets with mortar.Dataset (docs/python.md)
          </small>
        </label>
      )}
      {hasVisualForm(type) && params !== null && (
        <VisualParamsForm
          type={type}
          params={params}
          inputs={inputs.map((i) => ({ name: i, columns: schema[i] ?? [] }))}
          outputs={recipe().outputs}
          errorParam={paramOfField(errorField)}
          error={error}
          onChange={(next) => setParamsText(JSON.stringify(next, null, 2))}
        />
      )}
      <label className="field wide">
        <span>{hasVisualForm(type) ? 'Params (JSON, as the form sets them)' : 'Params (JSON)'}</span>
        <textarea
          id="recipe-params"
          className="code"
          rows={isSql || isPython ? 4 : 10}
          spellCheck={false}
          value={paramsText}
          onChange={(e) => setParamsText(e.target.value)}
        />
        <small className={params === null ? 'error' : ''}>
          {params === null ? 'not a JSON object' : 'as in docs/recipes.md for a ' + type + ' recipe'}
        </small>
      </label>
      <div className="actions">
        <button id="recipe-check" type="button" disabled={busy} onClick={check}>
          Check
        </button>
        <button id="recipe-save" type="button" disabled={busy || !name} onClick={save}>
          Save
        </button>
      </div>
      <p id="recipe-error" className="error">
        {error}
      </p>
      {explanation && (
        <section id="recipe-explanation">
          {explanation.error ? (
            <p className="error">{explanation.error}</p>
          ) : (
            <>
              <p id="recipe-engine-chosen">Runs on the {explanation.engine} engine.</p>
              {explanation.why && <p id="recipe-engine-why" className="detail">Not on a preferred engine: {explanation.why}.</p>}
              {explanation.sql && <pre id="recipe-sql">{explanation.sql}</pre>}
            </>
          )}
        </section>
      )}
      {existing && <RecipeRun project={project} name={existing.name} outputs={existing.outputs} />}
    </section>
  );
}

// What a new python recipe's code starts from: read the first input, write the output.
function starterScript(inputs: string[], outputs: string[]): string {
  const input = inputs[0] ?? 'input';
  const output = outputs[0] ?? 'output';
  return [
    'import mortar',
    '',
    `df = mortar.Dataset(${JSON.stringify(input)}).get_dataframe()`,
    `mortar.Dataset(${JSON.stringify(output)}).write_with_schema(df)`,
    '',
  ].join('\n');
}
