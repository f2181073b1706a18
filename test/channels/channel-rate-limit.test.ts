import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelRateLimit } from '../../src/channels/channel-rate-limit.ts';

test('a channel spends one second of sends at once, then waits its interval; other channels are not affected', async () => {
  const waits: number[] = [];
  const limit = new ChannelRateLimit(async (ms) => void waits.push(ms));
  for (let i = 0; i < 4; i++) await limit.take('a', 4);
  assert.deepEqual(waits, []);
  await limit.take('a', 4);
  assert.equal(waits.length, 1);
  assert.ok(waits[0] > 200 && waits[0] <= 250, String(waits[0]));
  await limit.take('b', 4);
  assert.equal(waits.length, 1);
});
