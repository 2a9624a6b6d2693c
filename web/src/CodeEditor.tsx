import { python } from '@codemirror/lang-python';
import { sql, StandardSQL } from '@codemirror/lang-sql';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

// The page's style nonce (the server's Content-Security-Policy allows styles with it),
// for the style sheets the editor makes.
const NONCE = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';

// The tables an SQL editor completes, each with its columns.
export type SqlSchema = Record<string, string[]>;

// `defaultTable`'s columns complete without their table's name.
function languageOf(language: 'sql' | 'python', schema: SqlSchema, defaultTable?: string) {
  return language === 'sql'
    ? sql({ dialect: StandardSQL, schema, defaultTable, upperCaseKeywords: true })
    : python();
}

// A code editor (CodeMirror): highlighting, brackets, search, and for SQL completion of
// keywords and of the given tables and their columns.
export function CodeEditor({
  id,
  value,
  onChange,
  language,
  schema = {},
  defaultTable,
}: {
  id: string;
  value: string;
  onChange: (text: string) => void;
  language: 'sql' | 'python';
  schema?: SqlSchema;
  defaultTable?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          EditorView.cspNonce.of(NONCE),
          basicSetup,
          languageSlot.current.of(languageOf(language, schema, defaultTable)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is made once; value, language and schema follow in the effects below.
  }, []);
  useEffect(() => {
    view.current?.dispatch({
      effects: languageSlot.current.reconfigure(languageOf(language, schema, defaultTable)),
    });
  }, [language, schema, defaultTable]);
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);
  return <div id={id} className="code-editor" ref={host} />;
}
