import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, inbound, type Harness } from '../helpers/harness.ts';
import { buildApp, type App } from '../../src/app.ts';
import { asSession, login, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
let second: App;
before(async () => {
  h = await startHarness();
  // Another process on the same database: sessions must hold (and end) there too.
  second = await buildApp(h.config, h.store, { logger: false });
  await second.ready();
});
after(async () => {
  await second?.close();
  await h?.close();
});

test("init's admin signs in: 200 {user, workspace}, an HttpOnly SameSite=Lax cookie on Path=/, not Secure over http", async () => {
  const res = await login(h, h.ws.userEmail, h.ws.userPassword);
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(Object.keys(res.json).sort(), ['user', 'workspace']);
  assert.equal(res.json.user.email, h.ws.userEmail);
  assert.equal(res.json.user.access, 'admin');
  assert.equal(res.json.user.hasPassword, true);
  assert.deepEqual(res.json.workspace, { id: h.ws.workspaceId, name: 'Test' });
  const attributes = res.setCookie.split(';').map((a) => a.trim().toLowerCase());
  assert.match(res.setCookie, /^conversas_session=[A-Za-z0-9_-]{43};/);
  for (const expected of ['httponly', 'samesite=lax', 'path=/']) assert.ok(attributes.includes(expected), `${expected} in ${res.setCookie}`);
  assert.ok(!attributes.includes('secure'), 'no Secure on an http PUBLIC_URL');
  assert.ok(
    attributes.some((a) => a.startsWith('expires=')),
    'a persistent cookie',
  );
});

test('the cookie is Secure when PUBLIC_URL is https', async () => {
  const https = await buildApp({ ...h.config, publicUrl: 'https://inbox.example.com' }, h.store, { logger: false });
  try {
    const res = await login(h, h.ws.userEmail, h.ws.userPassword, https);
    assert.equal(res.status, 200, res.body);
    assert.ok(
      res.setCookie
        .split(';')
        .map((a) => a.trim().toLowerCase())
        .includes('secure'),
      res.setCookie,
    );
  } finally {
    await https.close();
  }
});

test('the e-mail matches whatever its case; the same e-mail in two workspaces signs in where the password fits', async () => {
  const upper = await login(h, h.ws.userEmail.toUpperCase(), h.ws.userPassword);
  assert.equal(upper.status, 200, upper.body);
  assert.equal(upper.json.workspace.id, h.ws.workspaceId);
  assert.equal(h.other.userEmail, h.ws.userEmail, 'init gives both workspaces the same admin e-mail');
  const other = await login(h, h.other.userEmail, h.other.userPassword);
  assert.equal(other.status, 200, other.body);
  assert.equal(other.json.workspace.id, h.other.workspaceId);
});

test('GET /auth/me answers {user, workspace}; the cookie works on native routes like a key, in a second process too', async () => {
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const me = await asSession(h, cookie, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200, me.body);
  assert.equal(me.json.user.email, h.ws.userEmail);
  assert.equal(me.json.workspace.id, h.ws.workspaceId);
  const { conversationId } = await inbound(h);
  const list = await asSession(h, cookie, 'GET', '/api/v1/conversations');
  assert.equal(list.status, 200, list.body);
  assert.ok(list.json.data.some((c: { id: string }) => c.id === conversationId));
  const elsewhere = await asSession(h, cookie, 'GET', `/api/v1/conversations/${conversationId}`, { app: second });
  assert.equal(elsewhere.status, 200, elsewhere.body);
  const read = await asSession(h, cookie, 'POST', `/api/v1/conversations/${conversationId}/read`);
  assert.equal(read.status, 200, read.body);
});

test('a message sent with the session is written as the signed-in user', async () => {
  const admin = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const me = (await asSession(h, admin, 'GET', '/api/v1/auth/me')).json.user;
  const { conversationId } = await inbound(h);
  const sent = await asSession(h, admin, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { message: 'Olá, sou a Ana' } });
  assert.equal(sent.status, 201, sent.body);
  assert.equal(sent.json.senderUserId, me.id);
});

test('Bearer wins over the cookie when both are sent', async () => {
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const withKey = await call(h, 'GET', '/api/v1/auth/me', { headers: { cookie } });
  assert.equal(withKey.status, 401, 'an API key is not a user: /auth/me refuses it although a valid cookie was sent');
  const badKey = await call(h, 'GET', '/api/v1/conversations', { key: 'cvs_live_nope', headers: { cookie } });
  assert.equal(badKey.status, 401, 'a refused Bearer is not rescued by the cookie');
});

test('logout revokes the session in every process, clears the cookie and answers 204', async () => {
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me', { app: second })).status, 200);
  const out = await asSession(h, cookie, 'POST', '/api/v1/auth/logout');
  assert.equal(out.status, 204, out.body);
  const cleared = String([out.headers['set-cookie']].flat()[0]);
  assert.match(cleared, /^conversas_session=;/);
  assert.match(cleared, /Expires=Thu, 01 Jan 1970/);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me')).status, 401);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me', { app: second })).status, 401, 'the other process refuses it too');
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/conversations', { app: second })).status, 401);
});

test('users: created with a password and access, read with access and hasPassword, never the hash', async () => {
  const agent = await makeAgent(h, { access: 'admin' });
  assert.equal(agent.user.access, 'admin');
  assert.equal(agent.user.hasPassword, true);
  assert.ok(!('password' in agent.user) && !('passwordHash' in agent.user));
  const read = await call(h, 'GET', `/api/v1/users/${agent.id}`);
  assert.ok(!read.body.includes(agent.password) && !read.body.includes('scrypt'), read.body);
  const demoted = await call(h, 'PATCH', `/api/v1/users/${agent.id}`, { body: { access: 'agent' } });
  assert.equal(demoted.status, 200, demoted.body);
  assert.equal(demoted.json.access, 'agent');
  assert.equal((await login(h, agent.email, agent.password)).status, 200);
});

test('changing the password or deleting the user ends their sessions, in every process', async () => {
  const agent = await makeAgent(h);
  const cookie = await signIn(h, agent.email, agent.password);
  const changed = await call(h, 'PATCH', `/api/v1/users/${agent.id}`, { body: { password: 'a brand new password' } });
  assert.equal(changed.status, 200, changed.body);
  assert.equal((await asSession(h, cookie, 'GET', '/api/v1/auth/me', { app: second })).status, 401);
  assert.equal((await login(h, agent.email, agent.password)).status, 401, 'the old password no longer works');
  const again = await signIn(h, agent.email, 'a brand new password', second);
  assert.equal((await call(h, 'DELETE', `/api/v1/users/${agent.id}`)).status, 204);
  assert.equal((await asSession(h, again, 'GET', '/api/v1/auth/me')).status, 401);
  assert.equal((await login(h, agent.email, 'a brand new password')).status, 401);
});

test('invite: a one-time PUBLIC_URL/invite/{token} link where the agent chooses a password', async () => {
  const user = (await call(h, 'POST', '/api/v1/users', { body: { name: 'Bia', email: 'bia@example.com' } })).json;
  assert.equal(user.hasPassword, false);
  const invite = await call(h, 'POST', `/api/v1/users/${user.id}/invite`);
  assert.equal(invite.status, 200, invite.body);
  const token = new RegExp(`^${h.config.publicUrl}/invite/([A-Za-z0-9_-]{43})$`).exec(invite.json.inviteUrl)?.[1];
  assert.ok(token, invite.json.inviteUrl);
  const expiresIn = Date.parse(invite.json.expiresAt) - Date.now();
  assert.ok(expiresIn > 6.9 * 24 * 3600e3 && expiresIn <= 7 * 24 * 3600e3, 'seven days');
  const stored = await h.store.db.selectFrom('user_invitations').select('token_hash').execute();
  assert.ok(
    stored.every((r) => r.token_hash !== token),
    'only a hash of the token is stored',
  );

  const described = await h.app.inject({ method: 'GET', url: `/api/v1/auth/invite/${token}` });
  assert.equal(described.statusCode, 200, described.body);
  assert.deepEqual(described.json(), {
    user: { name: 'Bia', email: 'bia@example.com' },
    workspace: { id: h.ws.workspaceId, name: 'Test' },
    expiresAt: invite.json.expiresAt,
  });

  const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/auth/invite/${token}`, payload: { password: 'bia escolheu esta' } });
  assert.equal(accepted.statusCode, 200, accepted.body);
  assert.equal(accepted.json().user.id, user.id);
  assert.deepEqual(accepted.json().workspace, { id: h.ws.workspaceId, name: 'Test' });
  const cookie = /^conversas_session=[^;]+/.exec([accepted.headers['set-cookie'] ?? []].flat()[0] ?? '')?.[0];
  assert.ok(cookie, 'accepting signs the agent in');
  const me = await asSession(h, cookie, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200, me.body);
  assert.equal(me.json.user.email, 'bia@example.com');
  assert.equal((await h.app.inject({ method: 'GET', url: `/api/v1/auth/invite/${token}` })).statusCode, 404, 'a used invitation is not shown');
  assert.equal((await call(h, 'GET', `/api/v1/users/${user.id}`)).json.hasPassword, true);
  const signedIn = await login(h, 'BIA@example.com', 'bia escolheu esta');
  assert.equal(signedIn.status, 200, signedIn.body);
  assert.equal(signedIn.json.user.access, 'agent');
  const reused = await h.app.inject({ method: 'POST', url: `/api/v1/auth/invite/${token}`, payload: { password: 'outra senha qualquer' } });
  assert.equal(reused.statusCode, 404, 'used once');
});
