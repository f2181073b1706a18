import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../helpers/harness.ts';
import { create, listAll } from '../helpers/resources.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('a saved reply is created, read, listed, changed and deleted; its shortcut is stored without the slash, in lower case', async () => {
  const reply = await create(h, 'saved-replies', { shortcut: '/Greeting', text: 'Olá {{name}}, como posso ajudar?' });
  assert.equal(reply.shortcut, 'greeting');
  assert.equal(reply.text, 'Olá {{name}}, como posso ajudar?');
  assert.deepEqual((await call(h, 'GET', `/api/v1/saved-replies/${reply.id}`)).json, reply);
  assert.ok((await listAll(h, 'saved-replies')).some((r) => r.id === reply.id));

  const changed = await call(h, 'PATCH', `/api/v1/saved-replies/${reply.id}`, { body: { text: 'Bom dia {{name}}!' } });
  assert.equal(changed.status, 200, changed.body);
  assert.equal(changed.json.text, 'Bom dia {{name}}!');
  assert.equal(changed.json.shortcut, 'greeting');

  assert.equal((await call(h, 'DELETE', `/api/v1/saved-replies/${reply.id}`)).status, 204);
  assert.equal((await call(h, 'GET', `/api/v1/saved-replies/${reply.id}`)).status, 404);
});

test('search keeps the shortcuts that start with what was typed after the slash', async () => {
  await create(h, 'saved-replies', { shortcut: 'prazo', text: 'O prazo é de 15 dias.' });
  await create(h, 'saved-replies', { shortcut: 'preco', text: 'O preço é R$ 100.' });
  await create(h, 'saved-replies', { shortcut: 'horario', text: 'Atendemos das 9h às 18h.' });
  const found = await call(h, 'GET', '/api/v1/saved-replies?search=/PR');
  assert.deepEqual(found.json.data.map((r: any) => r.shortcut).sort(), ['prazo', 'preco']);
  assert.deepEqual((await call(h, 'GET', '/api/v1/saved-replies?search=100%25')).json.data, [], 'a % is a character, not a wildcard');
});

test('a deleted reply frees its shortcut', async () => {
  const first = await create(h, 'saved-replies', { shortcut: 'tchau', text: 'Até logo!' });
  await call(h, 'DELETE', `/api/v1/saved-replies/${first.id}`);
  const again = await create(h, 'saved-replies', { shortcut: 'tchau', text: 'Até mais!' });
  assert.notEqual(again.id, first.id);
});
