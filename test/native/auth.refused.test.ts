import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { buildApp } from '../../src/app.ts';
import { assertError } from '../helpers/resources.ts';
import { asSession, login, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
const logs: string[] = [];
before(async () => {
  // Everything the app logs, down to debug, to prove no password reaches the log.
  h = await startHarness({ logLevel: 'trace' }, { logger: { level: 'trace', stream: { write: (line: string) => logs.push(line) } } });
});
after(async () => {
  await h?.close();
});

test('a wrong password and an unknown e-mail get the same 401', async () => {
  const wrong = await login(h, h.ws.userEmail, 'not the password');
  const unknown = await login(h, 'nobody@example.com', 'whatever it is');
  assertError(wrong, 401, { code: 'unauthorized' });
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.json, wrong.json, 'one answer for both');
  assert.equal(wrong.setCookie, '', 'no cookie');
});

test('a user without a password cannot sign in', async () => {
  const user = (await call(h, 'POST', '/api/v1/users', { body: { name: 'Sem Senha', email: 'nopass@example.com' } })).json;
  assert.equal(user.hasPassword, false);
  assert.equal((await login(h, 'nopass@example.com', '')).status, 400, 'an empty password is refused input');
  assert.equal((await login(h, 'nopass@example.com', 'anything at all')).status, 401);
});

test('ten failed sign-ins for one e-mail within 10 minutes → 429 with Retry-After, even with the right password, in every process', async () => {
  const agent = await makeAgent(h);
  for (let i = 0; i < 10; i++) assert.equal((await login(h, agent.email, `wrong ${i}`)).status, 401);
  const blocked = await login(h, agent.email.toUpperCase(), agent.password);
  assertError(blocked, 429, { reason: 'login_throttled' });
  const retryAfter = Number(blocked.headers['retry-after']);
  assert.ok(retryAfter > 500 && retryAfter <= 600, `Retry-After ${retryAfter}`);
  const second = await buildApp(h.config, h.store, { logger: false });
  try {
    assert.equal((await login(h, agent.email, agent.password, second)).status, 429, 'counted in the database');
  } finally {
    await second.close();
  }
  // Another e-mail is not affected.
  assert.equal((await login(h, h.ws.userEmail, h.ws.userPassword)).status, 200);
  // Failures older than 10 minutes no longer count.
  await h.store.db
    .updateTable('login_failures')
    .set({ failed_at: Date.now() - 11 * 60_000 })
    .execute();
  assert.equal((await login(h, agent.email, agent.password)).status, 200);
});

test('CSRF: with the cookie, a change needs Origin equal to PUBLIC_URL (403 otherwise); reads and API keys do not', async () => {
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const { conversationId } = await inbound(h);
  const url = `/api/v1/conversations/${conversationId}/read`;
  assertError(await asSession(h, cookie, 'POST', url, { origin: null }), 403, { code: 'forbidden', reason: 'origin_mismatch' });
  assertError(await asSession(h, cookie, 'POST', url, { origin: 'https://evil.example.com' }), 403, { code: 'forbidden' });
  assertError(await asSession(h, cookie, 'POST', url, { origin: `${h.config.publicUrl}.evil.com` }), 403, { code: 'forbidden' });
  assertError(await asSession(h, cookie, 'PATCH', `/api/v1/users/${(await signedInUser(cookie)).id}`, { body: { name: 'x' }, origin: null }), 403);
  assert.equal((await asSession(h, cookie, 'POST', url)).status, 200, 'with the right Origin');
  assert.equal((await asSession(h, cookie, 'GET', `/api/v1/conversations/${conversationId}`)).status, 200, 'reads need no Origin');
  assert.equal((await call(h, 'POST', url)).status, 200, 'an API key needs no Origin');
  assertError(await asSession(h, cookie, 'POST', '/api/v1/auth/logout', { origin: 'https://evil.example.com' }), 403);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me')).status, 200, 'the refused logout did not sign out');
});

async function signedInUser(cookie: string) {
  return (await asSession(h, cookie, 'GET', '/api/v1/auth/me')).json.user;
}

test('GET /auth/me: 401 without a session, with an API key, with a forged, expired or revoked cookie', async () => {
  assertError(await call(h, 'GET', '/api/v1/auth/me', { key: null }), 401);
  assertError(await call(h, 'GET', '/api/v1/auth/me'), 401, { reason: 'no_session' });
  assertError(await asSession(h, 'conversas_session=forged-token-value', 'GET', '/api/v1/auth/me'), 401, { reason: 'invalid_session' });
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  await h.store.db
    .updateTable('sessions')
    .set({ expires_at: Date.now() - 1 })
    .execute();
  assertError(await asSession(h, cookie, 'GET', '/api/v1/conversations'), 401, { reason: 'invalid_session' });
  const logout = await call(h, 'POST', '/api/v1/auth/logout', { key: null });
  assert.equal(logout.status, 204, 'logout without a session only clears the cookie');
});

test('invitations: unknown, used, expired or of a deleted user → 404; the password needs 8 characters; agents cannot invite', async () => {
  const unknown = await h.app.inject({ method: 'POST', url: `/api/v1/auth/invite/${'A'.repeat(43)}`, payload: { password: 'long enough' } });
  assertError({ status: unknown.statusCode, json: unknown.json(), body: unknown.body }, 404);
  const agent = await makeAgent(h);
  const token = async () => /\/invite\/(.+)$/.exec((await call(h, 'POST', `/api/v1/users/${agent.id}/invite`)).json.inviteUrl)![1];
  const accept = (t: string, password = 'long enough') => h.app.inject({ method: 'POST', url: `/api/v1/auth/invite/${t}`, payload: { password } });

  const short = await token();
  assert.equal((await accept(short, 'short')).statusCode, 400);
  const first = await token();
  assert.equal((await accept(short)).statusCode, 404, 'a newer invitation voids the older one');
  await h.store.db
    .updateTable('user_invitations')
    .set({ expires_at: Date.now() - 1 })
    .where('used_at', 'is', null)
    .execute();
  assert.equal((await accept(first)).statusCode, 404, 'expired');
  const last = await token();
  assert.equal((await call(h, 'DELETE', `/api/v1/users/${agent.id}`)).status, 204);
  assert.equal((await accept(last)).statusCode, 404, 'the user was deleted');
  assert.equal((await call(h, 'POST', `/api/v1/users/${agent.id}/invite`)).status, 404);
  assert.equal((await call(h, 'POST', `/api/v1/users/${agent.id}/invite`, { key: h.other.apiKey })).status, 404, "another workspace's user");
});

test('no answer and no log line ever carries a password or its hash', async () => {
  const secrets: string[] = [h.ws.userPassword];
  const answers: string[] = [];
  const keep = (res: { body: string }) => answers.push(res.body);
  keep(await login(h, h.ws.userEmail, h.ws.userPassword));
  const agent = await makeAgent(h);
  secrets.push(agent.password);
  keep(await call(h, 'GET', `/api/v1/users/${agent.id}`));
  keep(await call(h, 'GET', '/api/v1/users'));
  keep(await call(h, 'PATCH', `/api/v1/users/${agent.id}`, { body: { password: 'patched password 1' } }));
  secrets.push('patched password 1');
  keep(await login(h, agent.email, 'a wrong password 2'));
  secrets.push('a wrong password 2');
  const invite = (await call(h, 'POST', `/api/v1/users/${agent.id}/invite`)).json.inviteUrl as string;
  const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/auth/invite/${invite.split('/').pop()}`, payload: { password: 'invited password 3' } });
  keep(accepted);
  secrets.push('invited password 3');
  keep(await login(h, agent.email, 'invited password 3'));
  keep(await call(h, 'POST', '/api/v1/users', { body: { name: 'Bad', email: 'bad@example.com', password: 'tiny' } }));
  secrets.push('tiny');
  const hashes = (await h.store.db.selectFrom('users').select('password_hash').where('password_hash', 'is not', null).execute()).map((r) => r.password_hash!);
  assert.ok(
    logs.some((l) => l.includes('/api/v1/auth/login')),
    'the requests were logged',
  );
  const everything = [...answers, ...logs];
  for (const text of everything) {
    for (const secret of [...secrets, ...hashes]) assert.ok(!text.includes(secret), `"${secret}" leaked in: ${text.slice(0, 300)}`);
    assert.ok(!text.includes('scrypt$'), `a hash leaked in: ${text.slice(0, 300)}`);
  }
});
