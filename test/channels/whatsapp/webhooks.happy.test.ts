import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../../helpers/harness.ts';
import { assertError, events, listAll } from '../../helpers/resources.ts';
import { juri } from '../../helpers/jurichat.ts';
import { FakeGraph } from '../../helpers/fake-graph.ts';
import {
  channelMessages,
  conversationsOf,
  createWhatsApp,
  deliver,
  messageByWamid,
  messagesOf,
  nowSec,
  personRow,
  postWebhook,
  wamid,
  webhookLog,
  type WaChannel,
} from './wa-helpers.ts';
import {
  contactCard,
  echo,
  inboundAudio,
  inboundButtonReply,
  inboundContacts,
  inboundDocument,
  inboundFlowReply,
  inboundImage,
  inboundListReply,
  inboundLocation,
  inboundNumberChanged,
  inboundReaction,
  inboundSticker,
  inboundTemplateButton,
  inboundText,
  inboundUnsupported,
  inboundVideo,
  metaBatch,
  metaEnvelope,
  metaError,
  statusUpdate,
  webhookErrors,
  type ValuePart,
} from './meta-payloads.ts';

let h: Harness;
let fake: FakeGraph;
let channel: WaChannel;
before(async () => {
  h = await startHarness();
  fake = await FakeGraph.start();
  channel = await createWhatsApp(h, { wabaId: '102290129340398', graphApiUrl: fake.url });
});
after(async () => {
  await fake?.close();
  await h?.close();
});

const envelope = (parts: ValuePart | ValuePart[]) => metaEnvelope(channel.phoneNumberId, parts);

async function peopleWithPhone(phone: string): Promise<any[]> {
  return listAll(h, 'people', { query: { phoneNumber: phone } });
}

async function conversationOfPerson(personId: string): Promise<any> {
  const found = (await conversationsOf(h, channel.id)).filter((c) => c.personId === personId);
  assert.equal(found.length, 1, `one conversation for ${personId}`);
  return found[0];
}

async function updatedEventsFor(messageId: string): Promise<any[]> {
  return (await events(h, 'message.updated')).filter((e) => e.payload.message.id === messageId);
}

/** An outbound message known by its wamid: an echo (the business wrote from the app), stored as sent. */
async function echoed(to: string): Promise<{ wamid: string; message: any }> {
  const id = wamid('echo');
  await deliver(h, channel, envelope(echo({ to, id, body: 'do app', timestamp: nowSec() })));
  return { wamid: id, message: await messageByWamid(h, channel.id, id) };
}

describe('batches and redelivery', () => {
  test('one POST with several entries, changes, people, messages and statuses: every item is applied', async () => {
    const out = await echoed('5511987600003');
    const [a1, a2, b1, c1] = [wamid('a1'), wamid('a2'), wamid('b1'), wamid('c1')];
    const body = metaBatch([
      envelope([
        inboundText({ from: '5511987600001', name: 'Ana', id: a1, body: 'primeira', timestamp: nowSec(-3) }),
        inboundText({ from: '5511987600002', name: 'Bruno', id: b1, body: 'do Bruno', timestamp: nowSec(-2) }),
        inboundImage({ from: '5511987600001', name: 'Ana', id: a2, caption: 'foto', mediaId: '777001', timestamp: nowSec(-1) }),
        statusUpdate({ id: out.wamid, status: 'delivered', recipientId: '5511987600003', timestamp: nowSec() }),
      ]),
      envelope([
        inboundText({ from: '5511987600003', name: 'Carla', id: c1, body: 'da Carla', timestamp: nowSec() }),
        statusUpdate({ id: out.wamid, status: 'read', recipientId: '5511987600003', timestamp: nowSec() }),
      ]),
    ]);
    assert.equal(body.entry.length, 2);
    await deliver(h, channel, body);

    const [ana] = await peopleWithPhone('5511987600001');
    const [bruno] = await peopleWithPhone('5511987600002');
    const [carla] = await peopleWithPhone('5511987600003');
    assert.equal(ana.name, 'Ana');
    assert.equal(bruno.name, 'Bruno');
    assert.ok(carla, 'Carla was created by the echo already and is the same person now');
    const anaMessages = await messagesOf(h, (await conversationOfPerson(ana.id)).id);
    assert.deepEqual(
      anaMessages.map((m) => [m.externalId, m.type, m.content]),
      [
        [a1, 'text', 'primeira'],
        [a2, 'image', 'foto'],
      ],
    );
    assert.equal((await messagesOf(h, (await conversationOfPerson(bruno.id)).id)).length, 1);
    const carlaMessages = await messagesOf(h, (await conversationOfPerson(carla.id)).id);
    assert.deepEqual(
      carlaMessages.map((m) => [m.direction, m.content]),
      [
        ['OUTBOUND', 'do app'],
        ['INBOUND', 'da Carla'],
      ],
    );
    assert.equal((await messageByWamid(h, channel.id, out.wamid)).externalStatus, 'read', 'both statuses applied, in order');

    // Meta retries the same POST: nothing is stored twice, the log keeps both deliveries.
    const countBefore = (await channelMessages(h, channel.id)).length;
    const updatesBefore = (await events(h, 'message.updated')).length;
    const createdBefore = (await events(h, 'message.created')).length;
    await deliver(h, channel, body);
    assert.equal((await channelMessages(h, channel.id)).length, countBefore);
    assert.equal((await events(h, 'message.created')).length, createdBefore, 'no message.created for a redelivery');
    assert.equal((await events(h, 'message.updated')).length, updatesBefore, 'no status applied twice');
    const log = await webhookLog(h, channel.id, { limit: '2' });
    assert.deepEqual(log.json.data[0].body, log.json.data[1].body, 'both deliveries are in the raw log');
  });

  test('changes of several numbers in one entry go each to its channel (same workspace)', async () => {
    const second = await createWhatsApp(h);
    const [x, y] = [wamid('x'), wamid('y')];
    const body = metaBatch(
      [
        envelope(inboundText({ from: '5511987600011', id: x, body: 'para o primeiro', timestamp: nowSec() })),
        metaEnvelope(second.phoneNumberId, inboundText({ from: '5511987600012', id: y, body: 'para o segundo', timestamp: nowSec() })),
      ],
      { sameEntry: true },
    );
    assert.equal(body.entry.length, 1);
    await deliver(h, channel, body);
    assert.equal((await messageByWamid(h, channel.id, x)).content, 'para o primeiro');
    assert.equal((await messageByWamid(h, second.id, y)).content, 'para o segundo');
  });

  test('one person writing to two numbers of the same inbox keeps one conversation, which follows the number they last wrote to', async () => {
    const second = await createWhatsApp(h);
    const [x, y] = [wamid('p1'), wamid('p2')];
    await deliver(h, channel, envelope(inboundText({ from: '5511987600013', id: x, body: 'número 1', timestamp: nowSec() })));
    await deliver(h, second, metaEnvelope(second.phoneNumberId, inboundText({ from: '5511987600013', id: y, body: 'número 2', timestamp: nowSec() })));
    const rows = await h.store.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['m.external_id', 'c.channel_id', 'c.id'])
      .where('m.external_id', 'in', [x, y])
      .execute();
    assert.equal(rows.length, 2);
    assert.equal(rows[0].id, rows[1].id, 'one history per person');
    assert.equal(rows[0].channel_id, second.id, 'the reply leaves from number 2, where the person last wrote');
  });

  test('one bad item never drops the others', async () => {
    const good = wamid('good');
    const body = envelope([
      { messages: [{ from: '5511987600021', type: 'text', text: { body: 'sem id' } }] },
      { messages: [{ id: wamid('nots'), from: '5511987600021', timestamp: 'yesterday', type: 'text', text: { body: 'sem hora' } }] },
      statusUpdate({ id: wamid('st'), status: 'exploded' }),
      inboundText({ from: '5511987600021', id: good, body: 'boa', timestamp: nowSec() }),
    ]);
    await deliver(h, channel, body);
    assert.equal((await messageByWamid(h, channel.id, good)).content, 'boa');
  });

  test("the channel's lastWebhookAt is set by a delivery", async () => {
    const got = await call(h, 'GET', `/api/v1/channels/${channel.id}`);
    assert.ok(got.json.lastWebhookAt, got.body);
    assert.ok(Date.now() - Date.parse(got.json.lastWebhookAt) < 60_000);
  });
});

describe('every message type', () => {
  const from = '5511987600100';
  const ids: Record<string, string> = {};
  before(async () => {
    for (const k of [
      'text',
      'image',
      'audio',
      'video',
      'document',
      'sticker',
      'place',
      'pin',
      'contacts',
      'button',
      'list',
      'flow',
      'tbutton',
      'unsupported',
      'poll',
    ])
      ids[k] = wamid(k);
    const t = nowSec();
    const f = { from, name: 'Tipos', timestamp: t };
    await deliver(
      h,
      channel,
      envelope([
        inboundText({ ...f, id: ids.text, body: 'olá' }),
        inboundImage({ ...f, id: ids.image, mediaId: 'm-image', caption: 'legenda' }),
        inboundAudio({ ...f, id: ids.audio, mediaId: 'm-audio', voice: true }),
        inboundVideo({ ...f, id: ids.video, mediaId: 'm-video', caption: 'vídeo' }),
        inboundDocument({ ...f, id: ids.document, mediaId: 'm-document', filename: 'contrato.pdf' }),
        inboundSticker({ ...f, id: ids.sticker, mediaId: 'm-sticker' }),
        inboundLocation({ ...f, id: ids.place }),
        inboundLocation({ ...f, id: ids.pin, place: false, latitude: -23.5, longitude: -46.6 }),
        inboundContacts({
          ...f,
          id: ids.contacts,
          cards: [contactCard('Chandler Bing', '+1 555-555-5555', '15555555555'), contactCard('Monica Geller', '+1 555-555-0001', '15555550001')],
        }),
        inboundButtonReply({ ...f, id: ids.button }),
        inboundListReply({ ...f, id: ids.list }),
        inboundFlowReply({ ...f, id: ids.flow }),
        inboundTemplateButton({ ...f, id: ids.tbutton, payload: 'SIM_PAYLOAD', text: 'Sim' }),
        inboundUnsupported({ ...f, id: ids.unsupported, unsupportedType: 'edit' }),
        inboundUnsupported({ ...f, id: ids.poll, type: 'poll' }),
      ]),
    );
  });

  test('text', async () => {
    const m = await messageByWamid(h, channel.id, ids.text);
    assert.equal(m.type, 'text');
    assert.equal(m.content, 'olá');
    assert.equal(m.direction, 'INBOUND');
    assert.ok(m.senderPersonId);
  });

  test('image, audio (voice), video, document, sticker: media pending, the Meta media id queued for fetching', async () => {
    const jobs = await h.store.db.selectFrom('channel_jobs').selectAll().where('channel_id', '=', channel.id).where('kind', '=', 'media').execute();
    for (const [key, type, mimeType] of [
      ['image', 'image', 'image/jpeg'],
      ['audio', 'audio', 'audio/ogg; codecs=opus'],
      ['video', 'video', 'video/mp4'],
      ['document', 'document', 'application/pdf'],
      ['sticker', 'sticker', 'image/webp'],
    ]) {
      const m = await messageByWamid(h, channel.id, ids[key]);
      assert.equal(m.type, type, key);
      assert.equal(m.media?.status, 'pending', key);
      assert.equal(m.media.url, null, `${key}: no URL until fetched`);
      assert.equal(m.media.mimeType, mimeType, key);
      const job = jobs.find((j) => j.message_id === m.id);
      assert.ok(job, `${key}: a media job is queued`);
      assert.equal(JSON.parse(job.payload!).mediaId, `m-${key}`);
    }
    assert.equal((await messageByWamid(h, channel.id, ids.image)).media.caption, 'legenda');
    assert.equal((await messageByWamid(h, channel.id, ids.video)).media.caption, 'vídeo');
    assert.equal((await messageByWamid(h, channel.id, ids.document)).media.fileName, 'contrato.pdf');
    assert.equal((await messageByWamid(h, channel.id, ids.audio)).metadata?.voice, true);
  });

  test('location: a place by name, a dropped pin by coordinates', async () => {
    const place = await messageByWamid(h, channel.id, ids.place);
    assert.equal(place.type, 'location');
    assert.equal(place.content, 'Philz Coffee');
    assert.deepEqual(place.metadata.location, {
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com/',
    });
    const pin = await messageByWamid(h, channel.id, ids.pin);
    assert.equal(pin.content, '-23.5,-46.6');
    assert.deepEqual(pin.metadata.location, { latitude: -23.5, longitude: -46.6, name: null, address: null, url: null });
  });

  test('contacts: one message per shared contact, the full card in metadata', async () => {
    const all = await channelMessages(h, channel.id);
    const cards = all.filter((m) => m.externalId?.startsWith(ids.contacts));
    assert.equal(cards.length, 2);
    assert.ok(cards.every((m) => m.type === 'contact'));
    assert.deepEqual(
      cards.map((m) => m.contact),
      [
        { name: 'Chandler Bing', phoneNumber: '15555555555' },
        { name: 'Monica Geller', phoneNumber: '15555550001' },
      ],
    );
    assert.equal(cards[0].metadata.card.name.formatted_name, 'Chandler Bing');
  });

  test('interactive replies and template buttons: text with the reply in metadata.reply', async () => {
    const button = await messageByWamid(h, channel.id, ids.button);
    assert.equal(button.type, 'text');
    assert.equal(button.content, 'Cancel');
    assert.deepEqual(button.metadata.reply, { type: 'button_reply', id: 'cancel-button', title: 'Cancel' });
    const list = await messageByWamid(h, channel.id, ids.list);
    assert.equal(list.content, 'Priority Mail Express');
    assert.equal(list.metadata.reply.id, 'priority_express');
    const flow = await messageByWamid(h, channel.id, ids.flow);
    assert.equal(flow.type, 'text');
    assert.equal(flow.metadata.reply.type, 'nfm_reply');
    assert.equal(flow.metadata.reply.response_json, '{"flow_token":"unused","choice":"a"}');
    const tbutton = await messageByWamid(h, channel.id, ids.tbutton);
    assert.equal(tbutton.type, 'text');
    assert.equal(tbutton.content, 'Sim');
    assert.equal(tbutton.metadata.reply.payload, 'SIM_PAYLOAD');
  });

  test('unsupported and unknown types: an `unsupported` placeholder natively, keeping the original type and errors', async () => {
    const u = await messageByWamid(h, channel.id, ids.unsupported);
    assert.equal(u.type, 'unsupported');
    assert.equal(u.metadata.originalType, 'unsupported');
    assert.equal(u.metadata.unsupportedType, 'edit');
    assert.equal(u.metadata.errors[0].code, 131051);
    const poll = await messageByWamid(h, channel.id, ids.poll);
    assert.equal(poll.type, 'unsupported');
    assert.equal(poll.metadata.originalType, 'poll');
  });

  test('JuriChat shows unsupported messages as text `[unsupported: <type>]`', async () => {
    const poll = await messageByWamid(h, channel.id, ids.poll);
    const res = await juri(h, 'GET', `/conversation/${poll.conversationId}`, { query: { limit: '100' } });
    assert.equal(res.status, 200, res.body);
    const shown = res.json.data.messages.find((m: any) => m.id === poll.id);
    assert.ok(shown, 'the message is listed');
    assert.equal(shown.type, 'text');
    assert.equal(shown.content, '[unsupported: poll]');
    const unsupportedMessage = await messageByWamid(h, channel.id, ids.unsupported);
    const shownU = res.json.data.messages.find((m: any) => m.id === unsupportedMessage.id);
    assert.equal(shownU.type, 'text');
    assert.match(shownU.content, /^\[unsupported: .+\]$/);
    assert.ok(!res.json.data.messages.some((m: any) => m.type === 'unsupported'));
  });

  test('all of them came from one person, in one conversation', async () => {
    const people = await peopleWithPhone(from);
    assert.equal(people.length, 1);
    assert.equal(people[0].name, 'Tipos');
    const conversation = await conversationOfPerson(people[0].id);
    assert.equal((await messagesOf(h, conversation.id)).length, 16, '15 messages, the shared contacts as two');
  });
});

describe('identity', () => {
  test('system user_changed_number updates the person (no second one) and adds an INTERNAL note', async () => {
    const oldPhone = '5511987600201';
    const newPhone = '5511987600299';
    await deliver(h, channel, envelope(inboundText({ from: oldPhone, name: 'Troca', id: wamid('before'), body: 'antes', timestamp: nowSec(-5) })));
    const [person] = await peopleWithPhone(oldPhone);
    assert.ok(person);
    const peopleBefore = (await listAll(h, 'people')).length;
    await deliver(h, channel, envelope(inboundNumberChanged({ from: oldPhone, id: wamid('sys'), newWaId: newPhone, timestamp: nowSec() })));
    assert.equal((await listAll(h, 'people')).length, peopleBefore, 'no new person');
    const updated = (await call(h, 'GET', `/api/v1/people/${person.id}`)).json;
    assert.equal(updated.phoneNumber, newPhone);
    const messages = await messagesOf(h, (await conversationOfPerson(person.id)).id);
    const note = messages.find((m) => m.direction === 'INTERNAL');
    assert.ok(note, 'an internal note');
    assert.match(note.content, new RegExp(newPhone));
    assert.equal(note.metadata.system.type, 'user_changed_number');
    // The next message from the new number is the same person.
    await deliver(h, channel, envelope(inboundText({ from: newPhone, id: wamid('after'), body: 'depois', timestamp: nowSec() })));
    assert.equal((await peopleWithPhone(newPhone)).length, 1);
    assert.equal((await peopleWithPhone(newPhone))[0].id, person.id);
  });

  test('a BSUID-only person (no phone): created, matched again by BSUID, then by BSUID when a phone shows up', async () => {
    const userId = 'BR.13491208655302741918';
    const first = wamid('bsuid1');
    await deliver(
      h,
      channel,
      envelope(inboundText({ from: null, userId, username: 'maria.silva', name: 'Maria BSUID', id: first, body: 'oi', timestamp: nowSec() })),
    );
    const m1 = await messageByWamid(h, channel.id, first);
    const row = await personRow(h, m1.senderPersonId);
    assert.equal(row.bsuid, userId);
    assert.equal(row.phone_number, null);
    const shown = (await call(h, 'GET', `/api/v1/people/${m1.senderPersonId}`)).json;
    assert.equal(shown.phoneNumber, null);
    assert.equal(shown.name, 'Maria BSUID');
    const second = wamid('bsuid2');
    await deliver(h, channel, envelope(inboundText({ from: null, userId, id: second, body: 'de novo', timestamp: nowSec() })));
    assert.equal((await messageByWamid(h, channel.id, second)).senderPersonId, m1.senderPersonId);
    const third = wamid('bsuid3');
    await deliver(h, channel, envelope(inboundText({ from: '5511987600301', userId, id: third, body: 'com número', timestamp: nowSec() })));
    assert.equal((await messageByWamid(h, channel.id, third)).senderPersonId, m1.senderPersonId, 'BSUID first');
    assert.equal((await messageByWamid(h, channel.id, third)).conversationId, m1.conversationId);
  });

  test('Brazilian numbers with and without the ninth digit are one person and one conversation', async () => {
    const [with9, without9] = [wamid('nine'), wamid('eight')];
    await deliver(h, channel, envelope(inboundText({ from: '5521998765432', name: 'Nove', id: with9, body: 'com nove', timestamp: nowSec(-1) })));
    await deliver(h, channel, envelope(inboundText({ from: '552198765432', name: 'Nove', id: without9, body: 'sem nove', timestamp: nowSec() })));
    const a = await messageByWamid(h, channel.id, with9);
    const b = await messageByWamid(h, channel.id, without9);
    assert.equal(a.senderPersonId, b.senderPersonId);
    assert.equal(a.conversationId, b.conversationId);
    const people = (await listAll(h, 'people')).filter((p) => p.phoneNumber === '5521998765432' || p.phoneNumber === '552198765432');
    assert.equal(people.length, 1);
  });
});

describe('reactions', () => {
  test('a reaction set then removed: metadata.reactions, message.updated each time, no message created', async () => {
    const target = wamid('target');
    const from = '5511987600401';
    await deliver(h, channel, envelope(inboundText({ from, id: target, body: 'reaja', timestamp: nowSec() })));
    const m = await messageByWamid(h, channel.id, target);
    const count = (await messagesOf(h, m.conversationId)).length;
    await deliver(h, channel, envelope(inboundReaction({ from, id: wamid('r1'), targetId: target, emoji: '❤️', timestamp: nowSec() })));
    const reacted = await messageByWamid(h, channel.id, target);
    assert.equal(reacted.metadata.reactions.length, 1);
    assert.equal(reacted.metadata.reactions[0].emoji, '❤️');
    assert.equal(reacted.metadata.reactions[0].personId, m.senderPersonId);
    assert.equal((await updatedEventsFor(m.id)).length, 1);
    await deliver(h, channel, envelope(inboundReaction({ from, id: wamid('r2'), targetId: target, emoji: '👍', timestamp: nowSec() })));
    assert.deepEqual(
      (await messageByWamid(h, channel.id, target)).metadata.reactions.map((r: any) => r.emoji),
      ['👍'],
      'one reaction per person: replaced',
    );
    await deliver(h, channel, envelope(inboundReaction({ from, id: wamid('r3'), targetId: target, emoji: null, timestamp: nowSec() })));
    assert.deepEqual((await messageByWamid(h, channel.id, target)).metadata.reactions, [], 'removed');
    const updates = await updatedEventsFor(m.id);
    assert.equal(updates.length, 3);
    assert.deepEqual(updates[2].payload.message.metadata.reactions, []);
    assert.equal((await messagesOf(h, m.conversationId)).length, count, 'a reaction is not a message');
  });
});

describe('echoes', () => {
  test('an echo is stored once as OUTBOUND with no sender and metadata.echo, never sent', async () => {
    const id = wamid('echo1');
    const body = envelope(echo({ to: '5511987600501', id, body: 'respondi pelo app', timestamp: nowSec() }));
    await deliver(h, channel, body);
    await deliver(h, channel, body);
    const all = (await channelMessages(h, channel.id)).filter((m) => m.externalId === id);
    assert.equal(all.length, 1);
    const m = all[0];
    assert.equal(m.direction, 'OUTBOUND');
    assert.equal(m.content, 'respondi pelo app');
    assert.equal(m.senderUserId, null);
    assert.equal(m.senderBotId, null);
    assert.equal(m.senderPersonId, null);
    assert.equal(m.metadata.echo, true);
    assert.equal(m.externalStatus, 'sent');
    const sendJobs = await h.store.db.selectFrom('channel_jobs').select('id').where('message_id', '=', m.id).where('kind', '!=', 'media').execute();
    assert.deepEqual(sendJobs, [], 'no send job');
    assert.equal(fake.sent().length, 0);
  });
});

describe('statuses', () => {
  test('read then delivered: stays read; the same status twice applies once', async () => {
    const { wamid: id, message } = await echoed('5511987600601');
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'read', recipientId: '5511987600601', timestamp: nowSec() })));
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'delivered', recipientId: '5511987600601', timestamp: nowSec() })));
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'read', recipientId: '5511987600601', timestamp: nowSec() })));
    assert.equal((await messageByWamid(h, channel.id, id)).externalStatus, 'read');
    const updates = await updatedEventsFor(message.id);
    assert.equal(updates.length, 1, 'only sent → read changed anything');
    assert.equal(updates[0].payload.message.externalStatus, 'read');
  });

  test('failed then delivered: delivered (and the error cleared); a later sent does not downgrade', async () => {
    const { wamid: id } = await echoed('5511987600602');
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'failed', recipientId: '5511987600602', timestamp: nowSec() })));
    const failed = await messageByWamid(h, channel.id, id);
    assert.equal(failed.externalStatus, 'failed');
    assert.equal(failed.errorMessage, '131049: This message was not delivered to maintain healthy ecosystem engagement.');
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'delivered', recipientId: '5511987600602', timestamp: nowSec() })));
    const delivered = await messageByWamid(h, channel.id, id);
    assert.equal(delivered.externalStatus, 'delivered');
    assert.equal(delivered.errorMessage, null);
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'sent', recipientId: '5511987600602', timestamp: nowSec() })));
    assert.equal((await messageByWamid(h, channel.id, id)).externalStatus, 'delivered');
  });

  test('on a message whose wamid was set directly: delivered, read, then sent late stays read', async () => {
    const from = '5511987600603';
    await deliver(h, channel, envelope(inboundText({ from, id: wamid('in'), body: 'abre a janela', timestamp: nowSec() })));
    const [person] = await peopleWithPhone(from);
    const conversation = await conversationOfPerson(person.id);
    const sent = await call(h, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { body: { type: 'text', message: 'resposta' } });
    assert.equal(sent.status, 201, sent.body);
    assert.equal(sent.json.externalStatus, 'pending');
    const id = wamid('direct');
    await h.store.db.updateTable('messages').set({ external_id: id, external_status: 'sent' }).where('id', '=', sent.json.id).execute();
    for (const status of ['delivered', 'read', 'sent', 'delivered'])
      await deliver(h, channel, envelope(statusUpdate({ id, status, recipientId: from, timestamp: nowSec() })));
    assert.equal((await messageByWamid(h, channel.id, id)).externalStatus, 'read');
  });

  test('a status for a wamid not known yet is kept waiting, not dropped, and not applied to anything', async () => {
    const id = wamid('early');
    const res = await postWebhook(h, channel, envelope(statusUpdate({ id, status: 'delivered', recipientId: '5511987600604', timestamp: nowSec() })));
    assert.equal(res.status, 200, res.body);
    const waiting = await h.store.db.selectFrom('waiting_statuses').selectAll().where('external_id', '=', id).execute();
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0].status, 'delivered');
    assert.equal(waiting[0].channel_id, channel.id);
    // Redelivered: still one row.
    await deliver(h, channel, envelope(statusUpdate({ id, status: 'delivered', recipientId: '5511987600604', timestamp: nowSec() })));
    assert.equal((await h.store.db.selectFrom('waiting_statuses').select('status').where('external_id', '=', id).execute()).length, 1);
    // (Applying it once the sender stores the wamid is the outbound sender's part, not in this tree.)
  });
});

describe('errors, webhook log, templates, times', () => {
  test("value.errors sets the channel's lastError and stays in the log", async () => {
    await deliver(h, channel, envelope(webhookErrors([metaError(131000, 'Something went wrong', 'Unsupported webhook payload')])));
    const got = (await call(h, 'GET', `/api/v1/channels/${channel.id}`)).json;
    assert.match(got.lastError, /131000/);
    assert.ok(got.lastErrorAt);
    const log = await webhookLog(h, channel.id, { limit: '1' });
    assert.equal(log.json.data[0].body.entry[0].changes[0].value.errors[0].code, 131000);
  });

  test('the webhook log: newest first, paged with cursors, every field', async () => {
    const logged = await createWhatsApp(h);
    const bodies = [1, 2, 3, 4, 5].map((n) =>
      metaEnvelope(logged.phoneNumberId, inboundText({ from: '5511987600701', id: wamid(`log${n}`), body: `n${n}`, timestamp: nowSec() })),
    );
    for (const body of bodies) await deliver(h, logged, body);
    const seen: any[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await webhookLog(h, logged.id, { limit: '2', ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200, page.body);
      assert.ok(page.json.data.length <= 2);
      seen.push(...page.json.data);
      cursor = page.json.nextCursor;
      if (!cursor) break;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen.map((e) => e.id)).size, 5);
    assert.deepEqual(
      seen.map((e) => e.body.entry[0].changes[0].value.messages[0].text.body),
      ['n5', 'n4', 'n3', 'n2', 'n1'],
      'newest first',
    );
    for (const e of seen) {
      assert.deepEqual(Object.keys(e).sort(), ['body', 'id', 'processed', 'receivedAt', 'signatureValid']);
      assert.equal(e.signatureValid, true);
      assert.equal(e.processed, true);
      assert.match(e.receivedAt, /^\d{4}-\d\d-\d\dT/);
    }
    assert.equal((await webhookLog(h, h.ws.channelId)).status, 400, 'a sandbox channel has no webhook log');
  });

  test('templates: only the approved ones, from the fake Graph API of the channel', async () => {
    fake.templates = [
      { name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [] },
      { name: 'pending_one', language: 'pt_BR', status: 'PENDING', category: 'MARKETING', components: [] },
      { name: 'rejected_one', language: 'pt_BR', status: 'REJECTED', category: 'MARKETING', components: [] },
      { name: 'boas_vindas', language: 'pt_BR', status: 'APPROVED', category: 'MARKETING', components: [] },
    ];
    const before = fake.requests.length;
    const res = await call(h, 'GET', `/api/v1/channels/${channel.id}/templates`);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(
      res.json.data.map((t: any) => t.name),
      ['hello_world', 'boas_vindas'],
    );
    const asked = fake.requests.slice(before);
    assert.equal(asked.length, 1);
    assert.match(asked[0].path, /\/v25\.0\/102290129340398\/message_templates/);
    assert.equal(asked[0].headers.authorization, 'Bearer EAAGtest-access-token-9z8y');
  });

  test('templates need the channel wabaId (409), and a WhatsApp channel', async () => {
    const noWaba = await createWhatsApp(h, { graphApiUrl: fake.url });
    assertError(await call(h, 'GET', `/api/v1/channels/${noWaba.id}/templates`), 409, { reason: 'waba_id_missing' });
    assertError(await call(h, 'GET', `/api/v1/channels/${h.ws.channelId}/templates`), 400);
  });

  test('a message redelivered days later keeps its time and never moves lastMessageAt backwards', async () => {
    const from = '5511987600801';
    const fresh = wamid('fresh');
    await deliver(h, channel, envelope(inboundText({ from, id: fresh, body: 'agora', timestamp: nowSec() })));
    const m = await messageByWamid(h, channel.id, fresh);
    const before = (await call(h, 'GET', `/api/v1/conversations/${m.conversationId}`)).json;
    assert.equal(before.lastMessageAt, m.messageAt);
    const old = wamid('old');
    const threeDaysAgo = nowSec(-3 * 24 * 3600);
    await deliver(h, channel, envelope(inboundText({ from, id: old, body: 'de três dias atrás', timestamp: threeDaysAgo })));
    const late = await messageByWamid(h, channel.id, old);
    assert.equal(late.messageAt, new Date(Number(threeDaysAgo) * 1000).toISOString(), 'stored with its original time');
    const afterIt = (await call(h, 'GET', `/api/v1/conversations/${m.conversationId}`)).json;
    assert.equal(afterIt.lastMessageAt, before.lastMessageAt, 'lastMessageAt did not move backwards');
    assert.equal(afterIt.lastMessageId, before.lastMessageId, 'the last message is still the newest one');
    const ordered = await messagesOf(h, m.conversationId);
    assert.deepEqual(
      ordered.map((x) => x.externalId),
      [old, fresh],
      'listed in time order',
    );
  });
});
