import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

/** Which error shape an answer is in: native `{error:{code}}`, Jelou's envelope, or JuriChat's (Fastify's) `{statusCode}`. */
function shapeOf(body: any): string {
  if (body && 'statusMessage' in body && 'status' in body) return 'jelou';
  if (body && typeof body.error === 'object' && body.error !== null && 'code' in body.error) return 'native';
  if (body && typeof body.statusCode === 'number') return 'jurichat';
  return `unknown ${JSON.stringify(body)}`;
}

test("a URL no route matches answers 404 in the shape of the module whose prefix it is under (the fallback dialect's elsewhere)", async () => {
  const cases: [string, string][] = [
    ['/api/v1/no-such-thing', 'native'],
    ['/api/v1', 'native'],
    ['/webhooks/whatsapp/a/b', 'native'],
    ['/jelouapi/v1/nothing', 'jelou'],
    ['/platform/nothing', 'jelou'],
    ['/v1/external-support/nothing', 'jelou'],
    ['/no-such-thing', 'jurichat'],
    ['/apiv1', 'jurichat'],
  ];
  for (const [url, shape] of cases) {
    const res = await h.app.inject({ url });
    assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    assert.equal(shapeOf(res.json()), shape, `${url}: ${res.body}`);
  }
});

test('a malformed URL, refused before routing, answers in the shape of the module whose prefix it is under', async () => {
  for (const [url, shape] of [
    ['/api/v1/conversations/%E0%A4%A', 'native'],
    ['/webhooks/whatsapp/%', 'native'],
    ['/conversation/%', 'jurichat'],
  ] as const) {
    const res = await h.app.inject({ url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(shapeOf(res.json()), shape, `${url}: ${res.body}`);
  }
});
