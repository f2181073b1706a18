import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { issueApiKey } from '../../src/domain/api-keys.ts';
import { base } from '../helpers/jelou.ts';

const PER_KEY = 4;
const FAILURES = 3;

let h: Harness;
before(async () => {
  h = await startHarness({ rateLimitPerMinute: PER_KEY, authFailuresPerMinute: FAILURES });
});
after(async () => {
  await h?.close();
});

let addresses = 0;
/** Each test speaks from its own address, so the per-address budget of one does not spill into another. */
const newAddress = () => `10.0.0.${++addresses}`;
const freshKey = async () => issueApiKey(h.store.db, h.ws.workspaceId, `limited ${addresses}`);

async function get(url: string, headers: Record<string, string>, remoteAddress: string) {
  const res = await h.app.inject({ method: 'GET', url, headers, remoteAddress });
  return { status: res.statusCode, headers: res.headers, json: res.json() };
}

describe('per API key', () => {
  test(`the ${PER_KEY + 1}th request in a minute is a 429 with Retry-After; another key and /healthz are unaffected`, async () => {
    const address = newAddress();
    const { key } = await freshKey();
    for (let i = 0; i < PER_KEY; i++) {
      const ok = await get('/api/v1/conversations', { authorization: `Bearer ${key}` }, address);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['x-ratelimit-remaining'], String(PER_KEY - 1 - i));
    }
    const refused = await get('/api/v1/conversations', { authorization: `Bearer ${key}` }, address);
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.code, 'too_many_requests');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal((await get('/api/v1/conversations', { authorization: `Bearer ${(await freshKey()).key}` }, address)).status, 200);
    assert.equal((await h.app.inject({ url: '/healthz', remoteAddress: address })).statusCode, 200, 'health checks are not limited');
  });

  test('decoy headers, a lower-case scheme or extra spaces do not open a fresh bucket', async () => {
    const address = newAddress();
    const { key } = await freshKey();
    const variants: Record<string, string>[] = [
      { authorization: `Bearer ${key}`, 'x-api-key': 'decoy' },
      { authorization: `bearer ${key}`, 'x-jurichat-api-key': 'decoy-2' },
      { authorization: `Bearer   ${key}  ` },
      { authorization: `BEARER ${key}`, 'x-api-key': 'decoy-3', 'x-jurichat-api-key': 'decoy-4' },
    ];
    for (const headers of variants) assert.equal((await get('/api/v1/conversations', headers, address)).status, 200);
    for (const headers of variants) assert.equal((await get('/api/v1/conversations', headers, address)).status, 429, JSON.stringify(headers));
  });

  test('one key has one budget across dialects and credential forms', async () => {
    const address = newAddress();
    const { key, clientId, clientSecret } = await freshKey();
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    assert.equal((await get('/api/v1/conversations', { authorization: `Bearer ${key}` }, address)).status, 200);
    assert.equal((await get(`/conversation?inboxId=${h.ws.inboxId}`, { 'x-jurichat-api-key': key }, address)).status, 200);
    assert.equal((await get(`${base(h.ws.workspaceId)}/conversations/c00000000000000000000000000`, { 'x-api-key': key }, address)).status, 404);
    assert.equal((await get(`${base(h.ws.workspaceId)}/conversations/c00000000000000000000000000`, { authorization: basic }, address)).status, 404);
    assert.equal((await get(`/conversation?inboxId=${h.ws.inboxId}`, { 'x-jurichat-api-key': key }, address)).status, 429);
    const jelou = await get(`${base(h.ws.workspaceId)}/conversations/c00000000000000000000000000`, { authorization: basic }, address);
    assert.equal(jelou.status, 429);
    assert.equal(jelou.json.error.key, 'too_many_requests');
  });
});

describe('per client address, for missing and refused credentials', () => {
  test(`after ${FAILURES} failures an address is refused with 429 on every dialect, valid key or not; other addresses are not`, async () => {
    const address = newAddress();
    assert.equal((await get('/api/v1/conversations', {}, address)).status, 401);
    assert.equal((await get('/api/v1/conversations', { authorization: 'Bearer cvs_live_guess1' }, address)).status, 401);
    assert.equal((await get(`/conversation?inboxId=${h.ws.inboxId}`, { 'x-jurichat-api-key': 'cvs_live_guess2' }, address)).status, 401);
    const guessed = await get('/api/v1/conversations', { authorization: 'Bearer cvs_live_guess3' }, address);
    assert.equal(guessed.status, 429);
    assert.match(guessed.json.error.message, /failed authentication attempts from this address/);
    assert.ok(Number(guessed.headers['retry-after']) > 0);
    const { key, clientId } = await freshKey();
    assert.equal(
      (await get('/api/v1/conversations', { authorization: `Bearer ${key}` }, address)).status,
      429,
      'a right guess is not told apart from a wrong one',
    );
    const basic = `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}`;
    assert.equal((await get(`${base(h.ws.workspaceId)}/conversations/c00000000000000000000000000`, { authorization: basic }, address)).status, 429);
    assert.equal((await get('/api/v1/conversations', { authorization: `Bearer ${key}` }, newAddress())).status, 200);
  });

  test('successful requests do not count as failures', async () => {
    const address = newAddress();
    for (let i = 0; i < FAILURES + 1; i++)
      assert.equal((await get('/api/v1/conversations', { authorization: `Bearer ${(await freshKey()).key}` }, address)).status, 200);
    assert.equal((await get('/api/v1/conversations', {}, address)).status, 401);
  });
});
