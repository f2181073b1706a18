import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validSignature } from '../../../src/channels/whatsapp/signature.ts';
import { PHONE_NUMBER_ID, inboundText, metaEnvelope, metaJson, signMeta } from './meta-payloads.ts';

const SECRET = 'app-secret-0123456789abcdef';
const BODY = metaJson(metaEnvelope(PHONE_NUMBER_ID, inboundText({ from: '5511987654321', id: 'wamid.sig', body: 'Olá, ação à vista 👍' })));

test('Meta’s header over the exact bytes is valid', () => {
  assert.ok(BODY.includes('\\u00e1') && !BODY.includes('á'), 'the body is escaped like Meta’s');
  assert.equal(validSignature(Buffer.from(BODY), signMeta(BODY, SECRET), SECRET), true);
});

test('upper-case hex is accepted', () => {
  const header = signMeta(BODY, SECRET);
  assert.equal(validSignature(Buffer.from(BODY), `sha256=${header.slice(7).toUpperCase()}`, SECRET), true);
});

test('the same JSON re-serialised (raw UTF-8 instead of escapes) does not match', () => {
  const reserialised = JSON.stringify(JSON.parse(BODY));
  assert.notEqual(reserialised, BODY);
  assert.equal(validSignature(Buffer.from(reserialised), signMeta(BODY, SECRET), SECRET), false);
});

test('a changed body, another secret or another key (the verify token) is refused', () => {
  const header = signMeta(BODY, SECRET);
  assert.equal(validSignature(Buffer.from(`${BODY} `), header, SECRET), false);
  assert.equal(validSignature(Buffer.from(BODY), header, 'other-secret'), false);
  assert.equal(validSignature(Buffer.from(BODY), signMeta(BODY, 'verify-token'), SECRET), false);
});

test('missing or malformed headers are refused without throwing', () => {
  const hex = signMeta(BODY, SECRET).slice(7);
  const raw = Buffer.from(BODY);
  for (const header of [
    undefined,
    '',
    'sha256=',
    hex,
    `sha1=${hex}`,
    `sha256=${hex.slice(2)}`,
    `sha256=${hex}00`,
    `sha256=${hex.slice(1)}z`,
    ` sha256=${hex}`,
    `SHA256=${hex}`,
  ]) {
    assert.equal(validSignature(raw, header, SECRET), false, String(header));
  }
});

test('an empty app secret validates nothing', () => {
  assert.equal(validSignature(Buffer.from(BODY), signMeta(BODY, ''), ''), false);
});
