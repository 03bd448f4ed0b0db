'use client';

import { python } from '@codemirror/lang-python';
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, type DecorationSet } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';

/** A line the editor marks: a syntax problem, or the line a test run crashed on. */
export type MarkedLine = { line: number; column: number | null; message: string };

const setMarkedLine = StateEffect.define<MarkedLine | null>();

// The marked line follows edits above it (map), and is dropped when its text is gone.
const markedLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setMarkedLine)) continue;
      const mark = effect.value;
      if (!mark || mark.line < 1 || mark.line > tr.state.doc.lines) {
        next = Decoration.none;
        continue;
      }
      const line = tr.state.doc.line(mark.line);
      next = Decoration.set([
        Decoration.line({
          class: 'cm-rule-error-line',
          attributes: { 'data-error-line': String(mark.line), title: mark.message },
        }).range(line.from),
      ]);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: '#fff', maxHeight: '34rem' },
  '&.cm-focused': { outline: '2px solid #f59e0b' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', minHeight: '16rem', overflow: 'auto' },
  '.cm-rule-error-line': { backgroundColor: '#fee2e2', boxShadow: 'inset 3px 0 0 #dc2626' },
});

type RuleEditorProps = {
  /** The id of the visible label; the editor's text box is named by it ("Rules"). */
  labelledBy: string;
  describedBy?: string;
  value: string;
  onChange: (value: string) => void;
  marked: MarkedLine | null;
  invalid?: boolean;
};

/**
 * CodeMirror 6 with line numbers and Python highlighting. Controlled: the parent owns the
 * text; a value set from outside (a rollback) replaces the document.
 */
export function RuleEditor({ labelledBy, describedBy, value, onChange, marked, invalid }: RuleEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const initial = useRef(value);

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const extensions: Extension[] = [
      basicSetup,
      python(),
      markedLineField,
      theme,
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChangeRef.current(update.state.doc.toString());
      }),
    ];
    const editor = new EditorView({ doc: initial.current, extensions, parent: host.current });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // Accessible name, description and validity live on the text box itself (contentDOM).
  useEffect(() => {
    const content = view.current?.contentDOM;
    if (!content) return;
    content.setAttribute('aria-labelledby', labelledBy);
    if (describedBy) content.setAttribute('aria-describedby', describedBy);
    else content.removeAttribute('aria-describedby');
    if (invalid) content.setAttribute('aria-invalid', 'true');
    else content.removeAttribute('aria-invalid');
  }, [labelledBy, describedBy, invalid]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: setMarkedLine.of(marked) });
  }, [marked]);

  return <div ref={host} data-testid="rules-editor" className={`overflow-hidden rounded-md border ${invalid ? 'border-red-500' : 'border-slate-300'}`} />;
}
