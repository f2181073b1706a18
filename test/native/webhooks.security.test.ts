import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { UNKNOWN_ID, assertError, assertForeignIs404, create, listAll } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';
import { juri } from '../helpers/jurichat.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const body = { url: 'https://crm.example.com/hook', events: ['contact.created'] };

test("another workspace's webhook answers 404 like an unknown id on every route, its deliveries too, and nothing changes", async () => {
  const webhook = await create(h, 'webhooks', body);
  await inbound(h, { phone: '5511950005001' });
  const [delivery] = (await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
  assert.ok(delivery);
  await assertForeignIs404(h, 'webhooks', webhook.id, ['GET', 'PATCH', 'DELETE'], { status: 'paused' });
  const foreignLog = await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { key: h.other.apiKey });
  const unknownLog = await call(h, 'GET', `/api/v1/webhooks/${UNKNOWN_ID}/deliveries`, { key: h.other.apiKey });
  assertError(foreignLog, 404, { reason: 'webhook_not_found' });
  assert.equal(foreignLog.json.error.message.replace(webhook.id, '<id>'), unknownLog.json.error.message.replace(UNKNOWN_ID, '<id>'));
  assertError(await call(h, 'POST', `/api/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/retry`, { key: h.other.apiKey }), 404, {
    reason: 'webhook_not_found',
  });
  // Their own webhook does not reach this workspace's delivery either.
  const theirs = await create(h, 'webhooks', body, h.other);
  assertError(await call(h, 'POST', `/api/v1/webhooks/${theirs.id}/deliveries/${delivery.id}/retry`, { key: h.other.apiKey }), 404, {
    reason: 'delivery_not_found',
  });
  assert.equal((await call(h, 'GET', `/api/v1/webhooks/${webhook.id}`)).json.status, 'active');
  assert.ok(!(await listAll(h, 'webhooks', { ws: h.other })).some((w) => w.id === webhook.id));
  assert.ok(!(await listAll(h, 'webhooks')).some((w) => w.id === theirs.id));
});

test("a workspace's events reach only its own webhooks", async () => {
  const theirs = await create(h, 'webhooks', body, h.other);
  await inbound(h, { phone: '5511950005002' });
  assert.deepEqual((await call(h, 'GET', `/api/v1/webhooks/${theirs.id}/deliveries`, { key: h.other.apiKey })).json.data, []);
});

test('JuriChat webhooks are not native ones: each API manages its own', async () => {
  const juriHook = await juri(h, 'POST', '/webhooks', { body: { name: 'J', url: 'https://j.example.com/', events: ['contact.created'] } });
  assert.equal(juriHook.status, 200, juriHook.body);
  assert.ok(!(await listAll(h, 'webhooks')).some((w) => w.id === juriHook.json.id));
  assertError(await call(h, 'GET', `/api/v1/webhooks/${juriHook.json.id}`), 404);
  const native = await create(h, 'webhooks', body);
  assert.equal((await juri(h, 'GET', `/webhooks/${native.id}`)).status, 404);
});

test('agents get 403 on every webhook route; admins signed in pass; no credentials is 401', async () => {
  const webhook = await create(h, 'webhooks', body);
  await inbound(h, { phone: '5511950005003' });
  const [delivery] = (await call(h, 'GET', `/api/v1/webhooks/${webhook.id}/deliveries`)).json.data;
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown][] = [
    ['GET', '/api/v1/webhooks', undefined],
    ['POST', '/api/v1/webhooks', body],
    ['GET', `/api/v1/webhooks/${webhook.id}`, undefined],
    ['PATCH', `/api/v1/webhooks/${webhook.id}`, { status: 'paused' }],
    ['DELETE', `/api/v1/webhooks/${webhook.id}`, undefined],
    ['GET', `/api/v1/webhooks/${webhook.id}/deliveries`, undefined],
    ['POST', `/api/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/retry`, undefined],
  ];
  for (const [method, url, payload] of routes) {
    assertError(await asSession(h, cookie, method, url, { body: payload }), 403, { code: 'forbidden', reason: 'admin_only' });
    assertError(await call(h, method, url, { key: null, body: payload }), 401);
  }
  assert.equal((await call(h, 'GET', `/api/v1/webhooks/${webhook.id}`)).json.status, 'active', 'the agent changed nothing');

  const admin = await makeAgent(h, { access: 'admin' });
  const adminCookie = await signIn(h, admin.email, admin.password);
  assert.equal((await asSession(h, adminCookie, 'GET', '/api/v1/webhooks')).status, 200);
  const created = await asSession(h, adminCookie, 'POST', '/api/v1/webhooks', { body });
  assert.equal(created.status, 201, created.body);
  assertError(
    await asSession(h, adminCookie, 'PATCH', `/api/v1/webhooks/${created.json.id}`, { body: { status: 'paused' }, origin: 'https://evil.example.com' }),
    403,
    {
      reason: 'origin_mismatch',
    },
  );
});

test('the secret is shown once: an Idempotency-Key replay of a create is refused rather than answered again', async () => {
  const first = await call(h, 'POST', '/api/v1/webhooks', { body, headers: { 'idempotency-key': 'webhook-once' } });
  assert.equal(first.status, 201, first.body);
  const replay = await call(h, 'POST', '/api/v1/webhooks', { body, headers: { 'idempotency-key': 'webhook-once' } });
  assertError(replay, 409, { reason: 'idempotency_not_replayable' });
  assert.ok(!replay.body.includes(first.json.secret), replay.body);
  assert.equal((await listAll(h, 'webhooks')).filter((w) => w.url === body.url && w.createdAt === first.json.createdAt).length, 1);
});
