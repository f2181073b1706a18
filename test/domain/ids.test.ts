import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, isValidId } from '../../src/domain/ids.ts';

test("ids are c + 26 lowercase Crockford base32 characters and match JuriChat's pattern", () => {
  const id = newId();
  assert.match(id, /^c[0-9a-hjkmnp-tv-z]{26}$/);
  assert.match(id, /^[cC][^\s-]{8,}$/);
  assert.ok(isValidId(id));
});

test('ids strictly increase within a process, also within one millisecond', () => {
  const ids = Array.from({ length: 20000 }, newId);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `${ids[i]} <= ${ids[i - 1]}`);
  assert.equal(new Set(ids).size, ids.length);
});

test('an id carries a UUIDv7: version 7 and variant 10 bits, time in the first 48 bits', () => {
  const before = Date.now();
  const id = newId();
  let value = 0n;
  for (const ch of id.slice(1)) value = value * 32n + BigInt('0123456789abcdefghjkmnpqrstvwxyz'.indexOf(ch));
  assert.equal((value >> 76n) & 0xfn, 7n);
  assert.equal((value >> 62n) & 0x3n, 2n);
  const ms = Number(value >> 80n);
  assert.ok(ms >= before && ms <= Date.now());
});

test('malformed ids are refused', () => {
  for (const bad of ['', 'x123456789', 'c1234', 'c1234 56789', 'c-12345678', 42, null]) assert.equal(isValidId(bad), false);
});
