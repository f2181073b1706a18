import { useSignal } from '@preact/signals';
import { ApiError, type DeliveryState, type Message } from '../../api.ts';
import { t } from '../../i18n.ts';
import { retryMessage } from '../../messages-state.ts';

const GLYPH: Record<DeliveryState, string> = { pending: '○', sent: '✓', delivered: '✓✓', read: '✓✓', played: '✓✓', failed: '⚠' };

/** An outbound message's delivery state, in words (with a glyph); a failure's reason is also its tooltip. */
export function DeliveryBadge({ message }: { message: Message }) {
  const state = message.externalStatus;
  if (!state) return null;
  return (
    <span class={`delivery delivery-${state}`} title={state === 'failed' ? (message.errorMessage ?? undefined) : undefined}>
      <span aria-hidden="true">{GLYPH[state]} </span>
      {t(`delivery_${state}`)}
    </span>
  );
}

/** Why a message failed, in plain text (what Retry describes), and Retry, which sends it again. */
export function Failure({ message }: { message: Message }) {
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const reasonId = `failure-${message.id}`;
  return (
    <div class="failure">
      <p id={reasonId} class="failure-reason">
        {t('historyNotDelivered', { reason: message.errorMessage ?? t('delivery_failed') })}
      </p>
      <button
        type="button"
        class="retry"
        aria-describedby={reasonId}
        disabled={busy.value}
        onClick={async () => {
          busy.value = true;
          problem.value = null;
          try {
            await retryMessage(message.conversationId, message.id);
          } catch (error) {
            problem.value = t('historyRetryFailed', { reason: error instanceof ApiError ? error.message : String(error) });
          } finally {
            busy.value = false;
          }
        }}
      >
        {t('historyRetry')}
      </button>
      {busy.value && <span class="retrying">{t('historyRetrying')}</span>}
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
    </div>
  );
}
