import { newId } from '../../src/domain/ids.ts';
import type { Harness } from './harness.ts';

/** Rows the conversation tests need, written straight to the store (the resource routes have their own tests). */
export async function makeUser(h: Harness, workspaceId = h.ws.workspaceId, name = 'Ana Agente') {
  const id = newId();
  const now = Date.now();
  await h.store.db
    .insertInto('users')
    .values({
      workspace_id: workspaceId,
      id,
      name,
      email: `${id}@example.com`,
      email_key: `${id}@example.com`,
      image_url: null,
      role_id: null,
      contact: null,
      notification_sound: 1,
      only_assigned_conversations: 0,
      all_inboxes: 1,
      last_inbox_used_id: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .execute();
  return id;
}

export async function makeRole(h: Harness, workspaceId = h.ws.workspaceId, name = 'Suporte') {
  const id = newId();
  const now = Date.now();
  await h.store.db.insertInto('roles').values({ workspace_id: workspaceId, id, name, created_at: now, updated_at: now, deleted_at: null }).execute();
  return id;
}

export async function eventsOf(h: Harness, conversationId: string) {
  const rows = await h.store.db
    .selectFrom('events')
    .select(['type', 'payload'])
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) }));
}

export async function sessionsOf(h: Harness, conversationId: string) {
  return h.store.db
    .selectFrom('support_sessions')
    .selectAll()
    .where('workspace_id', '=', h.ws.workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('id')
    .execute();
}
