import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, engineBanner, startHarness, type Harness } from '../helpers/harness.ts';
import { login, signIn } from '../helpers/sessions.ts';
import { purgeAuthRecords } from '../../src/domain/auth-purge.ts';
import { LOGIN_FAILURE_WINDOW_MS } from '../../src/domain/logins.ts';
import { SESSION_TTL_MS } from '../../src/domain/sessions.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const count = async (table: 'sessions' | 'user_invitations' | 'login_failures') =>
  Number(
    (
      await h.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test(`purgeAuthRecords removes expired and revoked sessions, used and expired invitations, old failed logins; keeps the live ones (${engineBanner()})`, async () => {
  const cookie = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  const ended = await signIn(h, h.ws.userEmail, h.ws.userPassword);
  assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: ended, origin: h.config.publicUrl } })).statusCode, 204);
  const user = (await call(h, 'POST', '/api/v1/users', { body: { name: 'Caio', email: 'caio@example.com' } })).json;
  assert.equal((await call(h, 'POST', `/api/v1/users/${user.id}/invite`)).status, 200);
  assert.equal((await login(h, h.ws.userEmail, 'not the password')).status, 401);
  const now = Date.now();

  assert.equal(await purgeAuthRecords(h.store.db, now), 1, 'only the revoked session goes now');
  assert.equal(await count('sessions'), 1);
  assert.equal(await count('user_invitations'), 1);
  assert.equal(await count('login_failures'), 1);
  assert.equal((await h.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 200, 'the live session still works');

  assert.equal(await purgeAuthRecords(h.store.db, now + LOGIN_FAILURE_WINDOW_MS + 1000), 1, 'the failed login leaves after its window');
  assert.equal(await purgeAuthRecords(h.store.db, now + SESSION_TTL_MS + 1000), 2, 'the session and the invitation leave when they expire');
  assert.equal(await count('sessions'), 0);
  assert.equal(await count('user_invitations'), 0);
});
