import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError } from '../helpers/resources.ts';
import { asSession, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
let adminId: string;
before(async () => {
  h = await startHarness();
  adminId = (await call(h, 'GET', '/api/v1/users', { query: { email: h.ws.userEmail } })).json.data[0].id;
});
after(async () => {
  await h?.close();
});

test("the workspace's last admin with a password cannot be demoted or deleted: 409 last_admin (other workspaces' admins do not count)", async () => {
  assertError(await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } }), 409, { code: 'conflict', reason: 'last_admin' });
  assertError(await call(h, 'DELETE', `/api/v1/users/${adminId}`), 409, { reason: 'last_admin' });
  // Signed in as that admin, the same.
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } }), 409, { reason: 'last_admin' });
  assertError(await asSession(h, cookie, 'DELETE', `/api/v1/users/${adminId}`), 409, { reason: 'last_admin' });
  const admin = (await call(h, 'GET', `/api/v1/users/${adminId}`)).json;
  assert.equal(admin.access, 'admin');
  // Other changes to the last admin still work.
  const renamed = await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { name: 'Chefe', access: 'admin' } });
  assert.equal(renamed.status, 200, renamed.body);
});

test('an admin without a password (invited, not yet signed in) does not count and can be demoted or deleted', async () => {
  const invited = (await call(h, 'POST', '/api/v1/users', { body: { name: 'Convidada', email: 'invited-admin@example.com', access: 'admin' } })).json;
  assertError(await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } }), 409, { reason: 'last_admin' });
  const demoted = await call(h, 'PATCH', `/api/v1/users/${invited.id}`, { body: { access: 'agent' } });
  assert.equal(demoted.status, 200, demoted.body);
  assert.equal((await call(h, 'PATCH', `/api/v1/users/${invited.id}`, { body: { access: 'admin' } })).status, 200);
  assert.equal((await call(h, 'DELETE', `/api/v1/users/${invited.id}`)).status, 204);
});

test('with a second admin who can sign in, either can be demoted, then the other is the last', async () => {
  const second = await makeAgent(h, { access: 'admin' });
  const demoted = await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } });
  assert.equal(demoted.status, 200, demoted.body);
  assert.equal(demoted.json.access, 'agent');
  assertError(await call(h, 'DELETE', `/api/v1/users/${second.id}`), 409, { reason: 'last_admin' });
  // An admin demoting themselves while another admin remains is fine; the first admin is an admin again.
  assert.equal((await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'admin' } })).status, 200);
  assert.equal((await call(h, 'DELETE', `/api/v1/users/${second.id}`)).status, 204);
  assertError(await call(h, 'DELETE', `/api/v1/users/${adminId}`), 409, { reason: 'last_admin' });
});

test('two admins demoting each other at once: one of them stays admin', async () => {
  const a = await makeAgent(h, { access: 'admin' });
  // The first admin steps aside, so that a and b are the only admins who can sign in.
  const demoteFirst = await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } });
  assert.equal(demoteFirst.status, 200, demoteFirst.body);
  const b = await makeAgent(h, { access: 'admin' });
  const [ra, rb] = await Promise.all([
    call(h, 'PATCH', `/api/v1/users/${a.id}`, { body: { access: 'agent' } }),
    call(h, 'PATCH', `/api/v1/users/${b.id}`, { body: { access: 'agent' } }),
  ]);
  assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `${ra.body} ${rb.body}`);
  const admins = (await call(h, 'GET', '/api/v1/users')).json.data.filter((u: any) => u.access === 'admin' && u.hasPassword);
  assert.equal(admins.length, 1);
  // Restore the first admin for the next tests.
  assert.equal((await call(h, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'admin' } })).status, 200);
});

test("another workspace's user → 404 (not 409), and an agent cannot demote or delete anyone (403)", async () => {
  const otherAdmin = (await call(h, 'GET', '/api/v1/users', { key: h.other.apiKey, query: { email: h.other.userEmail } })).json.data[0].id;
  assertError(await call(h, 'PATCH', `/api/v1/users/${otherAdmin}`, { body: { access: 'agent' } }), 404);
  assertError(await call(h, 'DELETE', `/api/v1/users/${otherAdmin}`), 404);
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/users/${adminId}`, { body: { access: 'agent' } }), 403);
  assertError(await asSession(h, cookie, 'DELETE', `/api/v1/users/${adminId}`), 403);
});
