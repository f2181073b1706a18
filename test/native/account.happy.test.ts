import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { buildApp, type App } from '../../src/app.ts';
import { asSession, login, makeAgent, signIn } from '../helpers/sessions.ts';

let h: Harness;
let second: App;
before(async () => {
  h = await startHarness();
  // Another process on the same database: the other sessions end there too.
  second = await buildApp(h.config, h.store, { logger: false });
  await second.ready();
});
after(async () => {
  await second?.close();
  await h?.close();
});

test('POST /auth/password: an agent changes their own password; this session stays, their other sessions end in every process', async () => {
  const agent = await makeAgent(h);
  const here = await signIn(h, agent.email, agent.password);
  const elsewhere = await signIn(h, agent.email, agent.password, second);
  const admin = await signIn(h, h.ws.userEmail, h.ws.userPassword);

  const changed = await asSession(h, here, 'POST', '/api/v1/auth/password', {
    body: { currentPassword: agent.password, newPassword: 'a new password for me' },
  });
  assert.equal(changed.status, 204, changed.body);
  assert.equal(changed.body, '');

  assert.equal((await asSession(h, here, 'GET', '/api/v1/auth/me')).status, 200, 'the session that changed it stays');
  assert.equal((await asSession(h, elsewhere, 'GET', '/api/v1/auth/me', { app: second })).status, 401, 'the other session ended');
  assert.equal((await asSession(h, admin, 'GET', '/api/v1/auth/me')).status, 200, "another user's session is untouched");
  assert.equal((await login(h, agent.email, agent.password)).status, 401, 'the old password no longer works');
  assert.equal((await login(h, agent.email, 'a new password for me')).status, 200);
});

test('POST /auth/password: an admin changes theirs the same way', async () => {
  const admin = await makeAgent(h, { access: 'admin' });
  const cookie = await signIn(h, admin.email, admin.password);
  const changed = await asSession(h, cookie, 'POST', '/api/v1/auth/password', { body: { currentPassword: admin.password, newPassword: 'eight ch' } });
  assert.equal(changed.status, 204, changed.body);
  assert.equal((await login(h, admin.email, 'eight ch')).status, 200, 'eight characters are enough, as for invitations');
});
