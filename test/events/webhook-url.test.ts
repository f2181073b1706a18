import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.ts';
import { assertWebhookUrl, webhookUrlProblem } from '../../src/events/webhook-url.ts';
import { isPrivateAddress } from '../../src/net/private-address.ts';

const BLOCKED = [
  '127.0.0.1',
  '127.255.255.254',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '169.254.0.1',
  '0.0.0.0',
  '100.64.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '198.18.0.1',
  '::1',
  '::',
  'fe80::1',
  'fe80::1%eth0',
  'febf::1',
  'fc00::1',
  'fd12:3456:789a::1',
  'fec0::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.1.2.3',
  '::ffff:169.254.169.254',
  '::127.0.0.1',
  '64:ff9b::a9fe:a9fe',
  '2002:c0a8:0101::1',
  '[::1]',
  '0:0:0:0:0:0:0:1',
];
const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '172.15.255.255',
  '172.32.0.1',
  '192.167.1.1',
  '169.253.1.1',
  '100.63.255.255',
  '100.128.0.1',
  '11.0.0.1',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:0808:0808::1',
  'fe7f::1',
  'fbff::1',
];

test('private, loopback, link-local and other internal addresses are recognised', () => {
  for (const address of BLOCKED) assert.equal(isPrivateAddress(address), true, address);
});

test('public addresses are not', () => {
  for (const address of PUBLIC) assert.equal(isPrivateAddress(address), false, address);
});

test('only absolute http(s) URLs are accepted', () => {
  assert.equal(webhookUrlProblem('https://hooks.example.com/in', false), null);
  assert.equal(webhookUrlProblem('http://hooks.example.com:8080/in?x=1', false), null);
  assert.equal(webhookUrlProblem('ftp://hooks.example.com/in', false), 'must use http or https');
  assert.equal(webhookUrlProblem('file:///etc/passwd', true), 'must use http or https');
  assert.equal(webhookUrlProblem('javascript:alert(1)', true), 'must use http or https');
  assert.equal(webhookUrlProblem('/relative/path', true), 'must be an absolute URL');
  assert.equal(webhookUrlProblem('not a url', true), 'must be an absolute URL');
  assert.equal(webhookUrlProblem('https://user:pass@hooks.example.com/', true), 'must not contain credentials');
});

test('literal private addresses are refused when the subscription is saved', () => {
  for (const url of [
    'http://127.0.0.1:3000/hook',
    'http://10.0.0.5/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://0.0.0.0/',
    'http://localhost:3000/',
    'http://api.localhost/',
    'http://LOCALHOST./',
    // Obfuscated IPv4 forms, normalised by the URL parser before the check.
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
  ]) {
    const problem = webhookUrlProblem(url, false);
    assert.match(problem ?? '', /^must not point to .* \(for local development, start the server with CONVERSAS_ALLOW_PRIVATE_WEBHOOKS=1\)$/, url);
  }
  assert.equal(webhookUrlProblem('http://8.8.8.8/hook', false), null);
  assert.equal(webhookUrlProblem('http://[2606:4700:4700::1111]/hook', false), null);
});

test('allowPrivateWebhooks lets private targets through but keeps the scheme rule', () => {
  assert.equal(webhookUrlProblem('http://127.0.0.1:3000/hook', true), null);
  assert.equal(webhookUrlProblem('http://localhost:3000/hook', true), null);
  assert.equal(webhookUrlProblem('http://[::1]/', true), null);
  assert.equal(webhookUrlProblem('gopher://127.0.0.1/', true), 'must use http or https');
});

test('assertWebhookUrl throws a domain validation error on the field', () => {
  assert.doesNotThrow(() => assertWebhookUrl('https://hooks.example.com/', false));
  assert.throws(
    () => assertWebhookUrl('http://10.1.2.3/', false, 'webhookUrl'),
    (error: unknown) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.kind, 'invalid');
      assert.equal(error.reason, 'invalid_webhook_url');
      assert.deepEqual(Object.keys(error.fields), ['webhookUrl']);
      return true;
    },
  );
});
