import type { FastifyInstance } from 'fastify';
import { apiKeyRoutes } from './api-keys.ts';
import { inboxRoutes } from './inboxes.ts';
import { channelRoutes } from './channels.ts';
import { botRoutes } from './bots.ts';
import { userRoutes } from './users.ts';
import { roleRoutes } from './roles.ts';
import { savedReplyRoutes } from './saved-replies.ts';
import { peopleRoutes } from './people.ts';
import { groupRoutes } from './groups.ts';
import { tagRoutes } from './tags.ts';

/** Workspace resources: API keys, inboxes, channels, bots, users, roles, saved replies, people, groups, tags. */
export async function workspaceRoutes(app: FastifyInstance): Promise<void> {
  await app.register(apiKeyRoutes);
  await app.register(inboxRoutes);
  await app.register(channelRoutes);
  await app.register(botRoutes);
  await app.register(userRoutes);
  await app.register(roleRoutes);
  await app.register(savedReplyRoutes);
  await app.register(peopleRoutes);
  await app.register(groupRoutes);
  await app.register(tagRoutes);
}
