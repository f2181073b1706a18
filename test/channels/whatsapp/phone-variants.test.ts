import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phoneVariants } from '../../../src/channels/whatsapp/phone-variants.ts';

test('Brazilian mobile with the ninth digit also matches the form without it', () => {
  assert.deepEqual(phoneVariants('5511987654321'), ['5511987654321', '551187654321']);
  assert.deepEqual(phoneVariants('5521966665555'), ['5521966665555', '552166665555']);
});

test('Brazilian mobile without the ninth digit also matches the form with it', () => {
  assert.deepEqual(phoneVariants('551187654321'), ['551187654321', '5511987654321']);
  assert.deepEqual(phoneVariants('558576543210'), ['558576543210', '5585976543210']);
});

test('each Brazilian form lists the other, so the relation is symmetric', () => {
  for (const number of ['5511987654321', '551187654321', '5548996001122', '554896001122']) {
    const [, other] = phoneVariants(number);
    assert.deepEqual(phoneVariants(other), [other, number]);
  }
});

test('Brazilian landlines (local part 2–5) and malformed Brazilian numbers have no other form', () => {
  assert.deepEqual(phoneVariants('551133334444'), ['551133334444']);
  assert.deepEqual(phoneVariants('554732221100'), ['554732221100']);
  // A 9 before a landline-looking number is not the mobile ninth digit.
  assert.deepEqual(phoneVariants('5511933334444'), ['5511933334444']);
  // Area codes never contain 0; wrong lengths are left alone.
  assert.deepEqual(phoneVariants('5501987654321'), ['5501987654321']);
  assert.deepEqual(phoneVariants('55119876543210'), ['55119876543210']);
  assert.deepEqual(phoneVariants('55119876543'), ['55119876543']);
});

test('Argentine mobile 549… also matches 54…, and back', () => {
  assert.deepEqual(phoneVariants('5491123456789'), ['5491123456789', '541123456789']);
  assert.deepEqual(phoneVariants('541123456789'), ['541123456789', '5491123456789']);
  assert.deepEqual(phoneVariants('5493514567890'), ['5493514567890', '543514567890']);
});

test('other countries and short numbers give only themselves', () => {
  for (const number of ['16505551234', '972987654321', '447911123456', '351912345678', '5411234', '']) {
    assert.deepEqual(phoneVariants(number), [number]);
  }
});
