import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError, type Conversation, type Person } from '../api.ts';
import { t } from '../i18n.ts';
import { people } from '../list-state.ts';
import { OtherConversations } from './contact/other-conversations.tsx';
import { PersonForm, savePerson } from './contact/person-form.tsx';
import { loadLookups, loadTags, tagsByInbox } from './header/lookups.ts';
import { MenuButton } from './header/menu.tsx';
import { TagChips } from './header/tag-chips.tsx';

const STORAGE_KEY = 'conversas.contactPanel';
function initiallyOpen(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'closed';
  } catch {
    return true;
  }
}
const panelOpen = { value: initiallyOpen() };

/** The person's details (editable), their tags and their other conversations, beside the history; it folds away. */
export function ContactPanel({ conversation }: { conversation: Conversation | undefined }) {
  const open = useSignal(panelOpen.value);
  const personId = conversation?.personId ?? null;
  const person = personId ? people.value[personId] : undefined;
  const full = useSignal<Person | null>(null);
  const tagProblem = useSignal<string | null>(null);
  useEffect(() => {
    loadLookups();
    full.value = null;
    if (!personId) return;
    api<Person>('GET', `/api/v1/people/${encodeURIComponent(personId)}`)
      .then((p) => {
        full.value = p;
        people.value = { ...people.value, [p.id]: { ...people.value[p.id], ...p } };
        if (p.inboxId) loadTags(p.inboxId);
      })
      .catch(() => {});
  }, [personId]);

  const toggle = () => {
    open.value = !open.value;
    panelOpen.value = open.value;
    try {
      localStorage.setItem(STORAGE_KEY, open.value ? 'open' : 'closed');
    } catch {
      // Not remembered; still folded.
    }
  };

  const shown = full.value && person ? { ...full.value, ...person } : full.value;
  const inboxTags = shown?.inboxId ? tagsByInbox.value[shown.inboxId] : undefined;
  const tagIds = shown?.tagIds ?? [];
  return (
    <aside class={`contact-panel${open.value ? '' : ' folded'}`} aria-label={t('contactPanel')}>
      <button type="button" class="contact-toggle" aria-expanded={open.value} aria-controls="contact-panel-body" onClick={toggle}>
        {t('contactDetails')}
      </button>
      {open.value && (
        <div id="contact-panel-body" class="contact-body">
          {!conversation || (personId && !shown) ? (
            <p aria-busy="true">{t('loading')}</p>
          ) : !shown ? (
            <p class="empty">{t('groupNoContact')}</p>
          ) : (
            <>
              <PersonForm key={shown.id} person={shown} />
              <section class="contact-tags" aria-labelledby="contact-tags-title">
                <h3 id="contact-tags-title">{t('contactTags')}</h3>
                {inboxTags && tagIds.length === 0 && <p class="empty">{t('noContactTags')}</p>}
                <TagChips tags={(inboxTags ?? []).filter((tag) => tagIds.includes(tag.id))} label={t('contactTags')} />
                <MenuButton
                  label={t('editContactTags')}
                  title={t('editContactTags')}
                  kind="checkbox"
                  entries={
                    inboxTags?.map((tag) => ({
                      key: `tag:${tag.id}`,
                      label: tag.name,
                      checked: tagIds.includes(tag.id),
                      onSelect: async () => {
                        const next = tagIds.includes(tag.id) ? tagIds.filter((id) => id !== tag.id) : [...tagIds, tag.id];
                        tagProblem.value = null;
                        try {
                          full.value = await savePerson(shown, { tagIds: next });
                        } catch (error) {
                          tagProblem.value = t('contactSaveFailed', { reason: error instanceof ApiError ? error.message : String(error) });
                        }
                      },
                    })) ?? null
                  }
                  empty={inboxTags ? t('noTags') : t('loading')}
                  onOpen={() => shown.inboxId && loadTags(shown.inboxId)}
                />
                {tagProblem.value && (
                  <p class="problem" role="alert">
                    {tagProblem.value}
                  </p>
                )}
              </section>
              <OtherConversations person={shown} currentId={conversation.id} />
            </>
          )}
        </div>
      )}
    </aside>
  );
}
