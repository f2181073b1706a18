import { test } from 'node:test';
import assert from 'node:assert/strict';
import { turnGate } from '../../src/http/fair-starts.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('requests arriving together start one per event-loop turn, in arrival order, the first at once', async () => {
  const gate = turnGate();
  const started: string[] = [];
  for (const name of ['a', 'b', 'c']) gate(() => started.push(name));
  assert.deepEqual(started, ['a']);
  await turn();
  assert.deepEqual(started, ['a', 'b']);
  await turn();
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('a request arriving while others wait queues behind them; once the queue is empty one starts at once again', async () => {
  const gate = turnGate();
  const started: string[] = [];
  gate(() => started.push('a'));
  gate(() => started.push('b'));
  await turn();
  gate(() => started.push('late'));
  assert.deepEqual(started, ['a', 'b']);
  await turn();
  assert.deepEqual(started, ['a', 'b', 'late']);
  await turn();
  await turn();
  gate(() => started.push('idle'));
  assert.deepEqual(started, ['a', 'b', 'late', 'idle']);
});
