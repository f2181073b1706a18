import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n.ts';

/** An inline confirmation for a destructive action; the confirm button takes the focus, Escape cancels. */
export function Confirm({ question, busy, onConfirm, onCancel }: { question: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <fieldset
      class="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <legend>{question}</legend>
      <button ref={confirmRef} type="button" class="danger" disabled={busy} onClick={onConfirm}>
        {t('confirmDelete')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </fieldset>
  );
}
