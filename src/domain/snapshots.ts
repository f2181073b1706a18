import type { Tx } from '../db/repos/tx.ts';
import type { Conversation } from './model.ts';

/** The conversation as events carry it: the row plus the names a webhook formatter needs. */
export interface ConversationSnapshot extends Conversation {
  inbox: { id: string; name: string };
  person: { id: string; name: string | null; phoneNumber: string | null; referenceId: string | null; createdAt: number } | null;
  group: { id: string; name: string; externalId: string | null } | null;
  assignee: { id: string; name: string } | null;
  bot: { id: string; name: string; type: string } | null;
  /** The active support session while the conversation is WAITING or ACTIVE (Jelou's conversation id), else null. */
  supportSessionId: string | null;
}

export async function conversationSnapshot(trx: Tx, c: Conversation): Promise<ConversationSnapshot> {
  const ws = c.workspaceId;
  const inHumanSupport = c.status === 'WAITING' || c.status === 'ACTIVE';
  const [inbox, person, group, assignee, bot, session] = await Promise.all([
    trx.selectFrom('inboxes').select(['id', 'name']).where('workspace_id', '=', ws).where('id', '=', c.inboxId).executeTakeFirst(),
    c.personId
      ? trx.selectFrom('people').select(['id', 'name', 'phone_number', 'reference_id', 'created_at']).where('workspace_id', '=', ws).where('id', '=', c.personId).executeTakeFirst()
      : undefined,
    c.groupId
      ? trx.selectFrom('groups').select(['id', 'name', 'external_id']).where('workspace_id', '=', ws).where('id', '=', c.groupId).executeTakeFirst()
      : undefined,
    c.assigneeUserId
      ? trx.selectFrom('users').select(['id', 'name']).where('workspace_id', '=', ws).where('id', '=', c.assigneeUserId).executeTakeFirst()
      : undefined,
    c.botId
      ? trx.selectFrom('bots').select(['id', 'name', 'type']).where('workspace_id', '=', ws).where('id', '=', c.botId).executeTakeFirst()
      : undefined,
    inHumanSupport
      ? trx.selectFrom('support_sessions').select('id').where('workspace_id', '=', ws).where('conversation_id', '=', c.id).where('state', '=', 'active').executeTakeFirst()
      : undefined,
  ]);
  return {
    ...c,
    inbox: { id: c.inboxId, name: inbox?.name ?? '' },
    person: person ? { id: person.id, name: person.name, phoneNumber: person.phone_number, referenceId: person.reference_id, createdAt: person.created_at } : null,
    group: group ? { id: group.id, name: group.name, externalId: group.external_id } : null,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    bot: bot ? { id: bot.id, name: bot.name, type: bot.type } : null,
    supportSessionId: session?.id ?? null,
  };
}
