import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { assertError } from '../helpers/resources.ts';
import { asSession, login, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const change = (cookie: string, body: unknown, options: { origin?: string | null } = {}) =>
  asSession(h, cookie, 'POST', '/api/v1/auth/password', { body, ...options });

test('a wrong current password → 400 wrong_password on currentPassword; nothing changes', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const wrong = await change(cookie, { currentPassword: 'not my password', newPassword: 'whatever new one' });
  assertError(wrong, 400, { code: 'bad_request', reason: 'wrong_password' });
  assert.deepEqual(Object.keys(wrong.json.error.details.fields), ['currentPassword']);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me')).status, 200, 'the session stays');
  assert.equal((await login(h, agent.email, agent.password)).status, 200, 'the password did not change');
});

test('the new password needs 8 characters; both fields are required; unknown fields are refused', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const bad: [unknown, string][] = [
    [{ currentPassword: agent.password, newPassword: 'short' }, 'newPassword'],
    [{ currentPassword: agent.password }, 'newPassword'],
    [{ newPassword: 'long enough one' }, 'currentPassword'],
    [{ currentPassword: '', newPassword: 'long enough one' }, 'currentPassword'],
    [{ currentPassword: agent.password, newPassword: 'long enough one', extra: 1 }, 'extra'],
  ];
  for (const [body, field] of bad) {
    const res = await change(cookie, body);
    assertError(res, 400, { code: 'validation_failed' });
    assert.ok(field in (res.json.error.details.fields ?? {}), `${field} named in ${res.body}`);
  }
  assert.equal((await login(h, agent.email, agent.password)).status, 200, 'unchanged');
});

test('wrong current passwords count as failed sign-ins: the tenth within 10 minutes → 429, for sign-in too', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  for (let i = 0; i < 10; i++) assertError(await change(cookie, { currentPassword: `guess number ${i}`, newPassword: 'new password 1' }), 400);
  const throttled = await change(cookie, { currentPassword: agent.password, newPassword: 'new password 1' });
  assertError(throttled, 429, { reason: 'login_throttled' });
  assert.ok(Number(throttled.headers['retry-after']) > 0);
  assert.equal((await login(h, agent.email, agent.password)).status, 429, 'signing in with that e-mail is throttled too');
});

test('only a session changes a password: an API key → 401 no_session; no session → 401; a cookie without Origin → 403', async () => {
  assertError(await call(h, 'POST', '/api/v1/auth/password', { body: { currentPassword: 'x', newPassword: 'long enough one' } }), 401, {
    reason: 'no_session',
  });
  assertError(await call(h, 'POST', '/api/v1/auth/password', { key: null, body: { currentPassword: 'x', newPassword: 'long enough one' } }), 401);
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  assertError(await change(cookie, { currentPassword: agent.password, newPassword: 'long enough one' }, { origin: null }), 403, { reason: 'origin_mismatch' });
  assertError(await change(cookie, { currentPassword: agent.password, newPassword: 'long enough one' }, { origin: 'https://evil.example.com' }), 403);
  assert.equal((await login(h, agent.email, agent.password)).status, 200, 'unchanged');
});

test('a user changes only their own password: the same credentials in another workspace are another user, untouched', async () => {
  // The same e-mail and password in both workspaces; sign-in picks one, the change touches only that user.
  const email = 'twice@example.com';
  const password = 'the same password';
  const here = await makeAgent(h, { email, password });
  await makeAgent(h, { email, password }, h.other.apiKey);
  const signedIn = await login(h, email, password);
  assert.equal(signedIn.status, 200);
  const cookie = signedIn.cookie!;
  const changed = await change(cookie, { currentPassword: password, newPassword: 'only this one changes' });
  assert.equal(changed.status, 204, changed.body);
  const users = [
    ...(await call(h, 'GET', '/api/v1/users', { query: { email } })).json.data,
    ...(await call(h, 'GET', '/api/v1/users', { key: h.other.apiKey, query: { email } })).json.data,
  ];
  assert.equal(users.length, 2);
  assert.ok(users.some((u) => u.id === here.id) || signedIn.json.workspace.id !== h.ws.workspaceId);
  assert.equal((await login(h, email, password)).status, 200, "the other workspace's user still has the old password");
  assert.equal((await login(h, email, 'only this one changes')).status, 200);
});

test('GET /auth/invite/{token}: unknown, used, expired, voided or of a deleted user → 404; a malformed token → 400; no credentials needed', async () => {
  const get = (token: string) => h.app.inject({ method: 'GET', url: `/api/v1/auth/invite/${token}` });
  const res = async (token: string) => {
    const r = await get(token);
    return { status: r.statusCode, json: r.json(), body: r.body };
  };
  assertError(await res('A'.repeat(43)), 404, { reason: 'invitation_not_found' });
  assertError(await res('short'), 400);
  const agent = await makeAgent(h);
  const token = async () => /\/invite\/(.+)$/.exec((await call(h, 'POST', `/api/v1/users/${agent.id}/invite`)).json.inviteUrl)![1];
  const voided = await token();
  const live = await token();
  assertError(await res(voided), 404, { reason: 'invitation_not_found' });
  const shown = await res(live);
  assert.equal(shown.status, 200, shown.body);
  assert.deepEqual(Object.keys(shown.json).sort(), ['expiresAt', 'user', 'workspace']);
  assert.deepEqual(Object.keys(shown.json.user).sort(), ['email', 'name'], 'nothing else about the user');
  await h.store.db
    .updateTable('user_invitations')
    .set({ expires_at: Date.now() - 1 })
    .where('used_at', 'is', null)
    .execute();
  assertError(await res(live), 404);
  const last = await token();
  assert.equal((await res(last)).status, 200);
  assert.equal((await call(h, 'DELETE', `/api/v1/users/${agent.id}`)).status, 204);
  assertError(await res(last), 404, { reason: 'invitation_not_found' });
});
