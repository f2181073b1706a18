import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, api, clientId, type Conversation, type Person } from '../api.ts';
import { locale, t } from '../i18n.ts';
import { conversations, people } from '../list-state.ts';
import { takeOver } from './actions.ts';
import { addFiles, attachments, drafts, formatSize, noteMode, removeAttachment, setDraft, setNoteMode } from './composer/drafts.ts';
import { LISTBOX_ID, SavedRepliesPopup, fillReply, optionId, useSavedReplies } from './composer/saved-replies.tsx';
import { WindowClosed, useWindowClosed } from './composer/service-window.tsx';
import { replyTo, replyingTo } from './reply-state.ts';
import { sendFile, sendText } from './send.ts';

const describe = (error: unknown) =>
  error instanceof ApiError ? (error.status === 0 ? t('composer_offline') : error.message) : error instanceof Error ? error.message : String(error);

const hasFiles = (event: DragEvent) => !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');

/** The conversation as the list shows it (kept current by the event stream), else as fetched here; the newer wins. */
function useConversation(id: string) {
  const fetched = useSignal<Conversation | null>(null);
  useEffect(() => {
    api<Conversation>('GET', `/api/v1/conversations/${encodeURIComponent(id)}`)
      .then((c) => {
        fetched.value = c;
      })
      .catch(() => {
        // The header and the log say what went wrong; the composer keeps its defaults.
      });
  }, [id]);
  const listed = conversations.value?.find((c) => c.id === id);
  const own = fetched.value;
  const conversation = !listed ? own : !own ? listed : (own.updatedAt ?? '') > (listed.updatedAt ?? '') ? own : listed;
  return { conversation, set: (c: Conversation) => (fetched.value = c) };
}

/** The person's name for `{{name}}`: from the list's people, else fetched once. */
function usePersonName(personId: string | null | undefined): string | null {
  const fetched = useSignal<Person | null>(null);
  const known = personId ? people.value[personId] : undefined;
  useEffect(() => {
    if (!personId || known) return;
    api<Person>('GET', `/api/v1/people/${encodeURIComponent(personId)}`)
      .then((p) => {
        fetched.value = p;
      })
      .catch(() => {});
  }, [personId, !!known]);
  return (known ?? (fetched.value?.id === personId ? fetched.value : null))?.name ?? null;
}

/**
 * The reply box (inbox.md §4.4): Enter sends, Shift+Enter breaks the line; files by picker, drop or
 * paste; a reply to a message; notes; `/` for saved replies; the draft kept per conversation; Take
 * over when the conversation is not in human support; templates when WhatsApp's window is closed.
 */
export function Composer({ id }: { id: string }) {
  const draft = drafts.value[id] ?? '';
  const files = attachments.value[id] ?? [];
  const note = noteMode.value[id] ?? false;
  const reply = replyingTo.value[id];
  const busy = useSignal(false);
  const progress = useSignal<{ name: string; fraction: number } | null>(null);
  const problem = useSignal<string | null>(null);
  const dragging = useSignal(false);
  const form = useRef<HTMLFormElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  /** The client id of a send that failed, reused while the text is the same: a retry is not sent twice. */
  const retry = useRef<{ text: string; id: string } | null>(null);
  const { conversation, set: setConversation } = useConversation(id);
  const personName = usePersonName(conversation?.personId);
  const saved = useSavedReplies(draft);
  const windowClosed = useWindowClosed(conversation?.serviceWindowClosesAt);
  const inSupport = !conversation || conversation.status === 'ACTIVE';

  // A message chosen in the history to reply to: the box takes the focus.
  useEffect(() => {
    if (reply) box.current?.focus();
  }, [reply?.id]);

  // Files dropped anywhere on the conversation.
  useEffect(() => {
    const area = form.current?.closest('.conversation-view') ?? form.current;
    if (!area) return;
    const over = (event: Event) => {
      if (!hasFiles(event as DragEvent)) return;
      event.preventDefault();
      dragging.value = true;
    };
    const leave = (event: Event) => {
      const to = (event as DragEvent).relatedTarget as Node | null;
      if (!to || !area.contains(to)) dragging.value = false;
    };
    const drop = (event: Event) => {
      const transfer = (event as DragEvent).dataTransfer;
      dragging.value = false;
      if (!transfer || transfer.files.length === 0) return;
      event.preventDefault();
      addFiles(id, transfer.files);
      box.current?.focus();
    };
    area.addEventListener('dragenter', over);
    area.addEventListener('dragover', over);
    area.addEventListener('dragleave', leave);
    area.addEventListener('drop', drop);
    return () => {
      area.removeEventListener('dragenter', over);
      area.removeEventListener('dragover', over);
      area.removeEventListener('dragleave', leave);
      area.removeEventListener('drop', drop);
    };
  }, [id]);

  const send = async () => {
    const text = draft.trim();
    const chosen = attachments.value[id] ?? [];
    if ((!text && chosen.length === 0) || busy.value) return;
    busy.value = true;
    problem.value = null;
    const options = { internal: note, quotedMessageId: reply?.id ?? null };
    try {
      if (chosen.length === 0) {
        const clientMessageId = retry.current?.text === text ? retry.current.id : clientId();
        retry.current = { text, id: clientMessageId };
        await sendText(id, text, clientMessageId, options);
      } else {
        // One message per file; the text is the first file's caption. A refused file stops here: it and the text stay.
        for (const [index, attachment] of chosen.entries()) {
          progress.value = { name: attachment.file.name, fraction: 0 };
          await sendFile(id, attachment.file, index === 0 ? text || null : null, clientId(), index === 0 ? options : { internal: note }, (fraction) => {
            progress.value = { name: attachment.file.name, fraction };
          });
          removeAttachment(id, attachment.key);
          if (index === 0) {
            setDraft(id, '');
            replyTo(id, undefined);
          }
        }
      }
      retry.current = null;
      setDraft(id, '');
      replyTo(id, undefined);
      if (note) setNoteMode(id, false);
    } catch (error) {
      problem.value = t('sendFailed', { reason: describe(error) });
    } finally {
      busy.value = false;
      progress.value = null;
    }
  };

  const takeOverNow = async () => {
    if (busy.value) return;
    busy.value = true;
    problem.value = null;
    try {
      setConversation(await takeOver(id));
      box.current?.focus();
    } catch (error) {
      problem.value = t('composer_takeOverFailed', { reason: describe(error) });
    } finally {
      busy.value = false;
    }
  };

  const insertSaved = (text: string) => {
    setDraft(id, fillReply(text, personName));
    saved.dismiss();
    box.current?.focus();
  };

  const sendButton = (
    <button type="submit" class={inSupport ? 'primary' : undefined} disabled={busy.value} aria-busy={busy.value}>
      {t('send')}
    </button>
  );

  return (
    <form
      ref={form}
      class={`composer${note ? ' note' : ''}${dragging.value ? ' dragging' : ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      {dragging.value && (
        <p class="drop-hint" aria-hidden="true">
          {t('composer_dropHint')}
        </p>
      )}
      {conversation && windowClosed && conversation.channelId && (
        <WindowClosed conversationId={id} channelId={conversation.channelId} onSent={() => setDraft(id, '')} />
      )}
      {reply && (
        <div class="reply-preview">
          <span class="reply-label">{t('composer_replyingTo')}</span>
          <blockquote>{reply.content ?? (reply.media ? t('media', { name: reply.media.fileName ?? reply.type }) : reply.type)}</blockquote>
          <button type="button" class="cancel-reply" onClick={() => replyTo(id, undefined)}>
            {t('composer_cancelReply')}
          </button>
        </div>
      )}
      {files.length > 0 && (
        <ul class="attachments" aria-label={t('composer_attachments')}>
          {files.map((a) => (
            <li key={a.key} class="attachment">
              {a.thumbnail && <img src={a.thumbnail} alt="" class="thumbnail" />}
              <span class="file-name">{a.file.name}</span>
              <span class="file-size">{formatSize(a.file.size, locale.value)}</span>
              <button type="button" class="remove" aria-label={t('composer_remove', { name: a.file.name })} onClick={() => removeAttachment(id, a.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {progress.value && (
        <progress max={1} value={progress.value.fraction} aria-label={t('composer_uploading', { name: progress.value.name })} class="upload-progress" />
      )}
      {problem.value && (
        <p class="problem" role="alert">
          {problem.value}
        </p>
      )}
      {/* biome-ignore lint/a11y/useFocusableInteractive: ARIA 1.1 combobox: the focus stays in the textbox inside, which names the active option with aria-activedescendant */}
      <div
        class="composer-box"
        role="combobox"
        aria-labelledby="composer-label"
        aria-expanded={saved.expanded}
        aria-controls={LISTBOX_ID}
        aria-haspopup="listbox"
      >
        <label for="composer-text" id="composer-label" class="visually-hidden">
          {t('message')}
        </label>
        <textarea
          id="composer-text"
          ref={box}
          rows={2}
          value={draft}
          placeholder={note ? t('composer_notePlaceholder') : t('composer_placeholder')}
          aria-autocomplete="list"
          aria-controls={LISTBOX_ID}
          aria-activedescendant={saved.expanded ? optionId(saved.active) : undefined}
          onInput={(e) => {
            setDraft(id, (e.currentTarget as HTMLTextAreaElement).value);
          }}
          onPaste={(event) => {
            const pasted = event.clipboardData?.files;
            if (!pasted || pasted.length === 0) return;
            event.preventDefault();
            addFiles(id, pasted);
          }}
          onKeyDown={(event) => {
            if (saved.expanded) {
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                saved.move(event.key === 'ArrowDown' ? 1 : -1);
                return;
              }
              if ((event.key === 'Enter' && !event.shiftKey && !event.isComposing) || event.key === 'Tab') {
                event.preventDefault();
                insertSaved(saved.items[saved.active].text);
                return;
              }
            }
            if (event.key === 'Escape') {
              if (saved.open) {
                event.preventDefault();
                saved.dismiss();
              } else if (reply) {
                event.preventDefault();
                replyTo(id, undefined);
              }
              return;
            }
            // Enter sends; Shift+Enter breaks the line (and an IME composing text keeps its Enter).
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <SavedRepliesPopup state={saved} onChoose={(r) => insertSaved(r.text)} />
      </div>
      <div class="composer-actions">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            const input = event.currentTarget as HTMLInputElement;
            if (input.files) addFiles(id, input.files);
            input.value = '';
            box.current?.focus();
          }}
        />
        <button type="button" onClick={() => picker.current?.click()}>
          {t('composer_attachFile')}
        </button>
        <button type="button" class="note-toggle" aria-pressed={note} onClick={() => setNoteMode(id, !note)}>
          {t('note')}
        </button>
        <span class="spacer" />
        {!inSupport && (
          <button type="button" class="primary" onClick={() => void takeOverNow()} disabled={busy.value} aria-busy={busy.value}>
            {t('composer_takeOver')}
          </button>
        )}
        {sendButton}
      </div>
    </form>
  );
}
