// The Save and Cancel buttons that end an editing form, with ids `<id>-save` and
// `<id>-cancel`; Save is off while the form's action runs or when `ready` is false.
export function SaveCancel({ id, busy, ready = true, onSave, onCancel }: { id: string; busy: boolean; ready?: boolean; onSave: () => void; onCancel: () => void }) {
  return (
    <>
      <button id={id + '-save'} disabled={busy || !ready} onClick={onSave}>
        Save
      </button>
      <button id={id + '-cancel'} onClick={onCancel}>
        Cancel
      </button>
    </>
  );
}
