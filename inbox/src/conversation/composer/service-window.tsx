import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError, api, clientId } from '../../api.ts';
import { t } from '../../i18n.ts';
import { type Template, sendTemplate } from '../send.ts';

/** Whether the channel's customer-service window is closed now; re-renders when it closes. Null `closesAt`: no window. */
export function useWindowClosed(closesAt: string | null | undefined): boolean {
  const now = useSignal(Date.now());
  const at = closesAt ? Date.parse(closesAt) : Number.NaN;
  useEffect(() => {
    if (Number.isNaN(at) || at <= Date.now()) return;
    // Timers fire at most ~24.8 days out; a window is 24 hours.
    const timer = setTimeout(
      () => {
        now.value = Date.now();
      },
      Math.min(at - Date.now() + 50, 2 ** 31 - 1),
    );
    return () => clearTimeout(timer);
  }, [at]);
  return !Number.isNaN(at) && at <= now.value;
}

const describe = (error: unknown) => (error instanceof ApiError ? (error.status === 0 ? t('networkError') : error.message) : String(error));

/** The window is closed: it says so and offers the channel's approved templates. */
export function WindowClosed({ conversationId, channelId, onSent }: { conversationId: string; channelId: string; onSent: () => void }) {
  const templates = useSignal<Template[] | null>(null);
  const problem = useSignal<string | null>(null);
  const chosen = useSignal(0);
  const busy = useSignal(false);
  useEffect(() => {
    api<{ data: Template[] }>('GET', `/api/v1/channels/${encodeURIComponent(channelId)}/templates`)
      .then((answer) => {
        templates.value = answer.data.filter((template) => !template.status || template.status === 'APPROVED');
      })
      .catch((error: unknown) => {
        templates.value = [];
        problem.value = t('composer_templatesFailed', { reason: describe(error) });
      });
  }, [channelId]);

  const send = async () => {
    const template = templates.value?.[chosen.value];
    if (!template || busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      await sendTemplate(conversationId, template, clientId());
      onSent();
    } catch (error) {
      problem.value = t('sendFailed', { reason: describe(error) });
    } finally {
      busy.value = false;
    }
  };

  const list = templates.value;
  return (
    <div class="service-window">
      <p role="status">{t('composer_windowClosed')}</p>
      {list === null ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : list.length === 0 ? (
        !problem.value && <p>{t('composer_noTemplates')}</p>
      ) : (
        <div class="template-picker">
          <label for="composer-template">{t('composer_template')}</label>
          <select
            id="composer-template"
            value={String(chosen.value)}
            onChange={(event) => {
              chosen.value = Number((event.currentTarget as HTMLSelectElement).value);
            }}
          >
            {list.map((template, index) => (
              <option key={`${template.name}:${template.language}`} value={String(index)}>
                {template.name} ({template.language})
              </option>
            ))}
          </select>
          <button type="button" onClick={() => void send()} disabled={busy.value} aria-busy={busy.value}>
            {t('composer_useTemplate')}
          </button>
        </div>
      )}
      {list?.[chosen.value] && <p class="template-preview">{list[chosen.value].components?.find((c) => c.type === 'BODY')?.text}</p>}
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
    </div>
  );
}
