import type { SessionView } from '../../domain/support-sessions.ts';
import type { WebhookSubscription } from '../../domain/webhooks.ts';
import { AUTH_TYPES, type AuthType } from './schemas.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A support session as Jelou's conversation: `_id`, `roomId`, `state`, times, `User`, `Bot`. */
export function presentSession(view: SessionView) {
  const { session, person, bot } = view;
  const User = person ? { id: person.id, names: person.name, referenceId: person.referenceId, createdAt: iso(person.createdAt) } : null;
  const Bot = bot ? { id: bot.id, name: bot.name, type: bot.type } : null;
  const head = { _id: session.id, roomId: session.conversationId };
  if (session.state === 'closed') {
    return {
      ...head,
      state: 'closed' as const,
      startAt: iso(session.startAt),
      endAt: iso(session.endAt ?? session.updatedAt),
      endedReason: session.endedReason ?? 'closed_by_operator',
      User,
      Bot,
    };
  }
  return { ...head, state: 'active' as const, startAt: iso(session.startAt), User, Bot };
}

export const authTypeOf = (s: { authType: string | null }): AuthType =>
  (AUTH_TYPES as readonly string[]).includes(s.authType ?? '') ? (s.authType as AuthType) : 'no_auth';

/** The integration without its secrets (`signingSecret` is shown on create and rotation only, `authorization` never). */
export function presentIntegration(s: WebhookSubscription, signingSecret?: string) {
  return {
    id: s.id,
    brainId: s.workspaceId,
    webhookUrl: s.url,
    authType: authTypeOf(s),
    ...(signingSecret !== undefined ? { signingSecret } : {}),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}
