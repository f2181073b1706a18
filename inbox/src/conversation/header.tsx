import { useEffect } from 'preact/hooks';
import type { Conversation } from '../api.ts';
import { displayName } from '../components/conversation-list.tsx';
import { t } from '../i18n.ts';
import { people } from '../list-state.ts';
import { navigate } from '../state.ts';
import { channels, inboxes, loadLookups, loadTags, nameOf, tagsByInbox, users } from './header/lookups.ts';
import { TagChips } from './header/tag-chips.tsx';
import { ActionsToolbar } from './header/toolbar.tsx';

/** The conversation's person, channel, status, assignee and tags, and its actions. */
export function ConversationHeader({ conversation }: { conversation: Conversation | undefined }) {
  const inboxId = conversation?.inboxId;
  useEffect(() => {
    loadLookups();
    if (inboxId) loadTags(inboxId);
  }, [inboxId]);

  if (!conversation)
    return (
      <header class="conversation-header">
        <button type="button" class="back" onClick={() => navigate('/')}>
          {t('back')}
        </button>
        <h2 id="conversation-title">{t('loading')}</h2>
      </header>
    );

  const person = conversation.personId ? people.value[conversation.personId] : undefined;
  const phone = person?.phoneNumber ? `+${person.phoneNumber}` : null;
  const channel = channels.value?.find((c) => c.id === conversation.channelId);
  const inbox = nameOf(inboxes.value, conversation.inboxId);
  const kind = channel ? (channel.kind === 'whatsapp' ? 'WhatsApp' : t('channelSandbox')) : null;
  // Admins see the channel (name and kind); agents may not read channels, so the inbox names where it is.
  const where = channel ? (channel.name.toLowerCase() === kind?.toLowerCase() ? channel.name : `${channel.name} · ${kind}`) : inbox;
  const assignee = conversation.assigneeUserId ? (nameOf(users.value, conversation.assigneeUserId) ?? t('loading')) : null;
  const tags = (tagsByInbox.value[conversation.inboxId] ?? []).filter((tag) => conversation.tagIds?.includes(tag.id));

  return (
    <header class="conversation-header">
      <button type="button" class="back" onClick={() => navigate('/')}>
        {t('back')}
      </button>
      <div class="conversation-facts">
        <h2 id="conversation-title">
          {displayName(conversation)}
          {conversation.isFixed && <span class="pinned-mark">{t('pinnedMark')}</span>}
        </h2>
        <p class="facts">
          {phone && phone !== displayName(conversation) && <span class="fact">{phone}</span>}
          {where && <span class="fact">{where}</span>}
          <span class={`status status-${conversation.status}`}>{t(`status_${conversation.status}`)}</span>
          <span class="fact">{assignee ? t('assignedTo', { name: assignee }) : t('nobodyAssigned')}</span>
        </p>
        <TagChips tags={tags} label={t('tagsLabel')} />
      </div>
      <ActionsToolbar conversation={conversation} />
    </header>
  );
}
