import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, type Page } from '../../api.ts';
import { t } from '../../i18n.ts';
import { fullTime } from '../channels/channel-item.tsx';
import { problemText } from '../channels/problems.ts';
import { DELIVERY_LABEL, type Delivery, type Webhook, eventLabelKey, retryable } from './resources.ts';

/** While deliveries are still on their way, the log reads itself again this often. */
const REFRESH_MS = 5000;

/** A webhook's deliveries, newest first: status, time, response code, error, and Retry on failed ones. */
export function DeliveryLog({ webhook }: { webhook: Webhook }) {
  const rows = useSignal<Delivery[] | null>(null);
  const next = useSignal<string | null>(null);
  const problem = useSignal<string | null>(null);
  const retrying = useSignal<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const base = `/api/v1/webhooks/${webhook.id}/deliveries`;

  const refresh = async () => {
    clearTimeout(timer.current);
    try {
      const page = await api<Page<Delivery>>('GET', `${base}?limit=20`);
      rows.value = page.data;
      next.value = page.nextCursor;
      problem.value = null;
      if (page.data.some((d) => d.status === 'pending' || d.status === 'retrying')) timer.current = setTimeout(() => void refresh(), REFRESH_MS);
    } catch (error) {
      problem.value = problemText(error);
      rows.value ??= [];
    }
  };

  useEffect(() => {
    void refresh();
    return () => clearTimeout(timer.current);
  }, [webhook.id]);

  const older = async () => {
    if (!next.value) return;
    try {
      const page = await api<Page<Delivery>>('GET', `${base}?limit=20&cursor=${encodeURIComponent(next.value)}`);
      rows.value = [...(rows.value ?? []), ...page.data];
      next.value = page.nextCursor;
    } catch (error) {
      problem.value = problemText(error);
    }
  };

  const retry = async (delivery: Delivery) => {
    retrying.value = delivery.id;
    try {
      const updated = await api<Delivery>('POST', `${base}/${delivery.id}/retry`);
      rows.value = (rows.value ?? []).map((d) => (d.id === updated.id ? updated : d));
      await refresh();
    } catch (error) {
      problem.value = problemText(error);
    } finally {
      retrying.value = null;
    }
  };

  const captionId = `log-${webhook.id}`;
  return (
    <div class="delivery-log">
      <div class="log-toolbar">
        <button type="button" onClick={() => void refresh()}>
          {t('refreshLog')}
        </button>
      </div>
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      {rows.value === null ? (
        <p class="hint">{t('loading')}</p>
      ) : rows.value.length === 0 ? (
        <p class="hint">{t('noDeliveries')}</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby={captionId}>
            <caption id={captionId}>{t('deliveriesOf', { name: webhook.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colEvent')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colResponse')}</th>
                <th scope="col">{t('colError')}</th>
                <th scope="col">{t('colAttempts')}</th>
                <th scope="col">{t('colAction')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.value.map((d) => {
                const label = eventLabelKey(d.type);
                return (
                  <tr key={d.id} class={`delivery delivery-${d.status}`}>
                    <td>{label ? t(label) : d.type}</td>
                    <td>
                      <span class={`badge delivery-status-${d.status}`}>{t(DELIVERY_LABEL[d.status])}</span>
                      {d.nextAttemptAt && <span class="hint"> · {t('nextAttempt', { time: fullTime(d.nextAttemptAt) })}</span>}
                    </td>
                    <td>
                      <time dateTime={d.updatedAt}>{fullTime(d.updatedAt)}</time>
                    </td>
                    <td>{d.responseCode ?? '—'}</td>
                    <td class="delivery-error">{d.error ?? '—'}</td>
                    <td>{d.attempts}</td>
                    <td>
                      {retryable(d) && (
                        <button type="button" disabled={retrying.value === d.id} onClick={() => void retry(d)}>
                          {t('retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {next.value && (
        <button type="button" onClick={() => void older()}>
          {t('loadOlder')}
        </button>
      )}
    </div>
  );
}
