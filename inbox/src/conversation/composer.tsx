import { useSignal } from '@preact/signals';
import { ApiError, clientId } from '../api.ts';
import { t } from '../i18n.ts';
import { sendText } from './send.ts';

/** The reply box: Enter sends, Shift+Enter breaks the line. */
export function Composer({ id }: { id: string }) {
  const draft = useSignal('');
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);

  const send = async () => {
    const text = draft.value.trim();
    if (!text || busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      await sendText(id, text, clientId());
      draft.value = '';
    } catch (error) {
      problem.value = t('sendFailed', { reason: error instanceof ApiError ? error.message : String(error) });
    } finally {
      busy.value = false;
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      <label for="composer-text" class="visually-hidden">
        {t('message')}
      </label>
      <textarea
        id="composer-text"
        rows={2}
        value={draft.value}
        onInput={(e) => {
          draft.value = (e.currentTarget as HTMLTextAreaElement).value;
        }}
        onKeyDown={(event) => {
          // Enter sends; Shift+Enter breaks the line (and an IME composing text keeps its Enter).
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" class="primary" disabled={busy.value} aria-busy={busy.value}>
        {t('send')}
      </button>
    </form>
  );
}
