import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type WaItem, parseWebhook } from '../../../src/channels/whatsapp/webhook-payload.ts';
import * as meta from './meta-payloads.ts';

const PNID = meta.PHONE_NUMBER_ID;
const FROM = '16505551234';
const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=';

/** The items of a one-change body. */
function itemsOf(parts: meta.ValuePart | meta.ValuePart[], options?: meta.EnvelopeOptions): WaItem[] {
  const changes = parseWebhook(meta.metaEnvelope(PNID, parts, options));
  assert.equal(changes.length, 1);
  return changes[0].items;
}

/** The only item of a one-message body, which must be of `kind`. */
function only<K extends WaItem['kind']>(kind: K, parts: meta.ValuePart | meta.ValuePart[]): Extract<WaItem, { kind: K }> {
  const items = itemsOf(parts);
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0].kind, kind, JSON.stringify(items[0]));
  return items[0] as Extract<WaItem, { kind: K }>;
}

test('text: Meta example, with the sender, profile name, time in ms and routing id', () => {
  const changes = parseWebhook(meta.metaEnvelope(PNID, meta.inboundText({ from: FROM, id: WAMID, body: 'Does it come in another color?' })));
  assert.deepEqual(changes, [
    {
      phoneNumberId: PNID,
      field: 'messages',
      items: [
        {
          kind: 'message',
          externalId: WAMID,
          wamid: WAMID,
          from: { phone: FROM, userId: null, name: 'Sheena Nelson', username: null },
          groupId: null,
          timestamp: 1749416383000,
          body: { type: 'text', content: 'Does it come in another color?', media: null, contact: null, metadata: null },
          contextWamid: null,
        },
      ],
    },
  ]);
});

test('a reply carries the quoted wamid', () => {
  const item = only(
    'message',
    meta.inboundText({ from: FROM, id: 'wamid.xyzxyz', body: 'replied text', context: { from: '972123456789', id: 'wamid.xyzxyz==' } }),
  );
  assert.equal(item.contextWamid, 'wamid.xyzxyz==');
  assert.equal(item.body.metadata, null);
});

test('image: media id, mime type, sha256 and caption kept; caption is the content', () => {
  const item = only(
    'message',
    meta.inboundImage({ from: FROM, id: 'wamid.img', mediaId: '65463453', caption: 'Olha só', url: 'https://lookaside.fbsbx.com/x' }),
  );
  assert.deepEqual(item.body, {
    type: 'image',
    content: 'Olha só',
    media: { id: '65463453', mimeType: 'image/jpeg', sha256: '4654+8g=', caption: 'Olha só', fileName: null, voice: false },
    contact: null,
    metadata: null,
  });
  assert.equal(only('message', meta.inboundImage({ from: FROM, id: 'wamid.img2' })).body.content, null);
});

test('audio: a voice note sets media.voice and metadata.voice; a plain audio file does not', () => {
  const voice = only('message', meta.inboundAudio({ from: FROM, id: 'wamid.voice', mediaId: '1234567890987654321' })).body;
  assert.equal(voice.type, 'audio');
  assert.equal(voice.content, null);
  assert.deepEqual(voice.media, {
    id: '1234567890987654321',
    mimeType: 'audio/ogg; codecs=opus',
    sha256: 'm04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=',
    caption: null,
    fileName: null,
    voice: true,
  });
  assert.deepEqual(voice.metadata, { voice: true });
  const file = only('message', meta.inboundAudio({ from: FROM, id: 'wamid.audio', voice: false })).body;
  assert.equal(file.media?.voice, false);
  assert.equal(file.metadata, null);
});

test('video: forwarded video keeps its caption and is marked forwarded', () => {
  const body = only(
    'message',
    meta.inboundVideo({ from: FROM, id: 'wamid.video', mediaId: '765756756', caption: 'caption', context: { forwarded: true } }),
  ).body;
  assert.equal(body.type, 'video');
  assert.equal(body.content, 'caption');
  assert.equal(body.media?.id, '765756756');
  assert.equal(body.media?.mimeType, 'video/mp4');
  assert.deepEqual(body.metadata, { forwarded: true });
});

test('document: filename kept (accents too); caption is the content', () => {
  const body = only('message', meta.inboundDocument({ from: FROM, id: 'wamid.doc', caption: 'caption', filename: 'Declaração.pdf' })).body;
  assert.equal(body.type, 'document');
  assert.equal(body.content, 'caption');
  assert.equal(body.media?.fileName, 'Declaração.pdf');
  assert.equal(body.media?.mimeType, 'application/pdf');
  assert.equal(only('message', meta.inboundDocument({ from: FROM, id: 'wamid.doc2' })).body.content, null);
});

test('sticker: media with the webp type', () => {
  const body = only('message', meta.inboundSticker({ from: FROM, id: 'wamid.sticker' })).body;
  assert.equal(body.type, 'sticker');
  assert.equal(body.media?.mimeType, 'image/webp');
  assert.equal(body.content, null);
});

test('location: a chosen place shows its name; a dropped pin its coordinates', () => {
  const place = only('message', meta.inboundLocation({ from: FROM, id: 'wamid.place' })).body;
  assert.equal(place.type, 'location');
  assert.equal(place.content, 'Philz Coffee');
  assert.deepEqual(place.metadata, {
    location: {
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
      address: '101 Forest Ave, Palo Alto, CA 94301',
      url: 'https://philzcoffee.com/',
    },
  });
  const pin = only('message', meta.inboundLocation({ from: FROM, id: 'wamid.pin', place: false, latitude: -23.5505, longitude: -46.6333 })).body;
  assert.equal(pin.content, '-23.5505,-46.6333');
  assert.deepEqual(pin.metadata, { location: { latitude: -23.5505, longitude: -46.6333, name: null, address: null, url: null } });
});

test('contacts: one message per shared card, ids suffixed after the first, the full card kept', () => {
  const chandler = meta.contactCard('Chandler Bing', '+1 555-555-5555', '972987654321');
  const monica = meta.contactCard('Monica Geller', '+1 (555) 123-4567', undefined, { emails: [{ email: 'monica@example.com', type: 'HOME' }] });
  const items = itemsOf(meta.inboundContacts({ from: FROM, id: 'wamid.cards', cards: [chandler, monica] }));
  assert.deepEqual(
    items.map((item) => item.kind === 'message' && [item.externalId, item.wamid, item.body.type, item.body.content, item.body.contact]),
    [
      ['wamid.cards', 'wamid.cards', 'contact', 'Chandler Bing', { name: 'Chandler Bing', phoneNumber: '972987654321' }],
      ['wamid.cards:1', 'wamid.cards', 'contact', 'Monica Geller', { name: 'Monica Geller', phoneNumber: '15551234567' }],
    ],
  );
  assert.deepEqual((items[1] as any).body.metadata, { card: monica });
  assert.equal((items[1] as any).from.phone, FROM);
});

test('interactive button_reply and list_reply become text with the reply in metadata', () => {
  const button = only('message', meta.inboundButtonReply({ from: FROM, id: 'wamid.btn' }));
  assert.equal(button.body.type, 'text');
  assert.equal(button.body.content, 'Cancel');
  assert.deepEqual(button.body.metadata, { reply: { type: 'button_reply', id: 'cancel-button', title: 'Cancel' } });
  assert.equal(button.contextWamid, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA');
  const list = only('message', meta.inboundListReply({ from: FROM, id: 'wamid.list' })).body;
  assert.equal(list.content, 'Priority Mail Express');
  assert.deepEqual(list.metadata, { reply: { type: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' } });
});

test('interactive nfm_reply (a Flow) becomes text with the response JSON kept as sent', () => {
  const body = only('message', meta.inboundFlowReply({ from: FROM, id: 'wamid.flow', responseJson: '{"cep":"01001-000"}' })).body;
  assert.equal(body.type, 'text');
  assert.equal(body.content, 'Sent');
  assert.deepEqual(body.metadata, { reply: { type: 'nfm_reply', name: 'flow', body: 'Sent', response_json: '{"cep":"01001-000"}' } });
});

test('a template quick-reply button becomes text with its payload', () => {
  const item = only('message', meta.inboundTemplateButton({ from: FROM, id: 'wamid.xsidjw', payload: 'confirm-42', text: 'Confirmar' }));
  assert.equal(item.body.type, 'text');
  assert.equal(item.body.content, 'Confirmar');
  assert.deepEqual(item.body.metadata, { reply: { type: 'button', payload: 'confirm-42', title: 'Confirmar' } });
  assert.equal(item.contextWamid, null);
});

test('reaction: set, removed by absent emoji, removed by empty emoji', () => {
  const target = 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=';
  const set = only('reaction', meta.inboundReaction({ from: FROM, id: 'wamid.react', targetId: target, timestamp: '1749419544' }));
  assert.deepEqual(set, {
    kind: 'reaction',
    wamid: 'wamid.react',
    from: { phone: FROM, userId: null, name: 'Sheena Nelson', username: null },
    groupId: null,
    timestamp: 1749419544000,
    targetWamid: target,
    emoji: '👍',
  });
  assert.equal(only('reaction', meta.inboundReaction({ from: FROM, id: 'wamid.react', targetId: target, emoji: null })).emoji, null);
  assert.equal(only('reaction', meta.inboundReaction({ from: FROM, id: 'wamid.react', targetId: target, emoji: '' })).emoji, null);
});

test('a reaction without a target is invalid', () => {
  const raw = meta.inboundReaction({ from: FROM, id: 'wamid.react', targetId: 'x' });
  raw.messages![0].reaction = { emoji: '👍' };
  assert.match(only('invalid', raw).reason, /message_id/);
});

test('unsupported: a placeholder keeping the original type and errors', () => {
  const body = only('message', meta.inboundUnsupported({ from: FROM, id: 'wamid.unsup' })).body;
  assert.deepEqual(body, {
    type: 'unsupported',
    content: null,
    media: null,
    contact: null,
    metadata: {
      originalType: 'unsupported',
      unsupportedType: 'edit',
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }],
    },
  });
  const bare = only('message', meta.inboundUnsupported({ from: FROM, id: 'wamid.old', unsupportedType: null, code: 131060 })).body;
  assert.equal(bare.metadata?.originalType, 'unsupported');
  assert.equal((bare.metadata as any).errors[0].code, 131060);
  assert.equal(bare.metadata?.unsupportedType, undefined);
});

test('unknown, order, revoke, request_welcome and missing types are placeholders too', () => {
  for (const type of ['unknown', 'order', 'revoke', 'request_welcome', 'poll']) {
    const body = only('message', meta.inbound({ from: FROM, id: `wamid.${type}` }, type, { anything: 1 })).body;
    assert.equal(body.type, 'unsupported', type);
    assert.equal(body.content, null);
    assert.deepEqual(body.metadata, { originalType: type, errors: [] });
  }
  const untyped = meta.inboundText({ from: FROM, id: 'wamid.untyped', body: 'x' });
  delete untyped.messages![0].type;
  assert.deepEqual(only('message', untyped).body.metadata, { originalType: null, errors: [] });
});

test('a known type whose own object is missing or unreadable becomes a placeholder, not a drop', () => {
  const cases: [string, unknown][] = [
    ['text', { body: 42 }],
    ['image', { mime_type: 'image/jpeg' }],
    ['location', { name: 'nowhere' }],
    ['interactive', { type: 'call_permission_reply', call_permission_reply: { response: 'accept' } }],
    ['button', {}],
  ];
  for (const [type, part] of cases) {
    const body = only('message', meta.inbound({ from: FROM, id: `wamid.${type}` }, type, part as any)).body;
    assert.equal(body.type, 'unsupported', type);
    assert.equal(body.metadata?.originalType, type);
  }
  const interactive = only('message', meta.inbound({ from: FROM, id: 'wamid.i' }, 'interactive', { type: 'call_permission_reply' })).body;
  assert.equal(interactive.metadata?.interactiveType, 'call_permission_reply');
  assert.equal(only('message', meta.inbound({ from: FROM, id: 'wamid.c' }, 'contacts', undefined, { contacts: [] })).body.type, 'unsupported');
});

test('system user_changed_number: the old number, the new one, and Meta’s sentence', () => {
  const item = only('system', meta.inboundNumberChanged({ from: '972987654321', id: 'wamid.xyzxyz==', newWaId: '972912345678', timestamp: '1753851315' }));
  assert.deepEqual(item, {
    kind: 'system',
    wamid: 'wamid.xyzxyz==',
    from: { phone: '972987654321', userId: null, name: null, username: null },
    timestamp: 1753851315000,
    change: { type: 'user_changed_number', newPhone: '972912345678' },
    text: 'User A changed from 972987654321 to 972912345678',
  });
});

test('system user_changed_user_id: the new BSUID, with a sentence when Meta gives no body', () => {
  const item = only('system', meta.inboundUserIdChanged({ from: FROM, userId: 'US.111', id: 'wamid.sys', newUserId: 'US.222' }));
  assert.deepEqual(item.change, { type: 'user_changed_user_id', newUserId: 'US.222' });
  assert.equal(item.from.userId, 'US.111');
  assert.match(item.text, /US\.222/);
  const other = meta.inbound({ from: FROM, id: 'wamid.ident' }, 'system', { type: 'customer_identity_changed' });
  const otherItem = only('system', other);
  assert.deepEqual(otherItem.change, { type: 'other', systemType: 'customer_identity_changed' });
  assert.match(otherItem.text, /customer_identity_changed/);
});

test('referral: the ad object is kept as given', () => {
  const referral = meta.adReferral();
  const body = only('message', meta.inboundReferral({ from: FROM, id: 'wamid.ad', body: 'Quero saber mais' })).body;
  assert.equal(body.content, 'Quero saber mais');
  assert.deepEqual(body.metadata, { referral });
});

test('forwarded and frequently forwarded', () => {
  assert.deepEqual(only('message', meta.inboundForwarded({ from: FROM, id: 'wamid.f', body: 'fw' })).body.metadata, { forwarded: true });
  assert.deepEqual(only('message', meta.inboundForwarded({ from: FROM, id: 'wamid.ff', body: 'fw', frequently: true })).body.metadata, {
    forwarded: true,
    frequentlyForwarded: true,
  });
});

test('a product inquiry keeps the referred product', () => {
  const context = { from: meta.DISPLAY_PHONE_NUMBER, id: 'wamid.catalog', referred_product: { catalog_id: '1', product_retailer_id: 'SKU-9' } };
  const item = only('message', meta.inboundText({ from: FROM, id: 'wamid.p', body: 'Tem em azul?', context }));
  assert.equal(item.contextWamid, 'wamid.catalog');
  assert.deepEqual(item.body.metadata, { referredProduct: { catalog_id: '1', product_retailer_id: 'SKU-9' } });
});

test('group message: group id and the participant as sender', () => {
  const groupId = 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA';
  const item = only(
    'message',
    meta.inboundGroupText({ from: FROM, id: 'wamid.group', body: 'What does everyone think about this?', groupId, timestamp: '1744344496' }),
  );
  assert.equal(item.groupId, groupId);
  assert.equal(item.from.phone, FROM);
  const reaction = only('reaction', meta.inboundReaction({ from: FROM, id: 'wamid.gr', targetId: 'wamid.t', groupId }));
  assert.equal(reaction.groupId, groupId);
});

test('BSUID-only person (username user, no wa_id): user id, username and name from the contacts block', () => {
  const item = only('message', meta.inboundText({ from: null, userId: 'US.13491208655302741918', username: 'sheena', id: 'wamid.bsuid', body: 'oi' }));
  assert.deepEqual(item.from, { phone: null, userId: 'US.13491208655302741918', name: 'Sheena Nelson', username: 'sheena' });
});

test('a person with both phone and BSUID; the contact block fills what the message leaves out', () => {
  const both = only('message', meta.inboundText({ from: FROM, userId: 'US.1', id: 'wamid.both', body: 'oi' }));
  assert.deepEqual(both.from, { phone: FROM, userId: 'US.1', name: 'Sheena Nelson', username: null });
  // Only the contacts block carries the BSUID: matched by wa_id.
  const part = meta.inboundText({ from: FROM, userId: 'US.2', id: 'wamid.cb', body: 'oi' });
  delete part.messages![0].from_user_id;
  assert.equal(only('message', part).from.userId, 'US.2');
});

test('profile names are matched per sender in a batch, across the Brazilian ninth digit', () => {
  const parts = [
    meta.inboundText({ from: '5511987654321', name: 'Ana', id: 'wamid.a', body: 'a' }),
    meta.inboundText({ from: '5521988887777', name: 'Bruno', id: 'wamid.b', body: 'b' }),
  ];
  // Meta's wa_id may lack the ninth digit the message's `from` has.
  parts[0].contacts![0].wa_id = '551187654321';
  const items = itemsOf(parts) as any[];
  assert.deepEqual(
    items.map((item) => [item.from.phone, item.from.name]),
    [
      ['5511987654321', 'Ana'],
      ['5521988887777', 'Bruno'],
    ],
  );
});

test('a message naming nobody, or without id or timestamp, is invalid', () => {
  const nobody = meta.inboundText({ from: null, id: 'wamid.n', body: 'x' });
  nobody.contacts = [];
  assert.match(only('invalid', nobody).reason, /sender/);
  const noId = meta.inboundText({ from: FROM, id: '', body: 'x' });
  assert.match(only('invalid', noId).reason, /no id/);
  const noTime = meta.inboundText({ from: FROM, id: 'wamid.t', body: 'x' });
  noTime.messages![0].timestamp = 'yesterday';
  assert.match(only('invalid', noTime).reason, /timestamp/);
});

test('statuses: each value, recipient, callback data and failed errors', () => {
  for (const status of ['sent', 'delivered', 'read', 'played'] as const) {
    const item = only('status', meta.statusUpdate({ id: 'wamid.out', status, recipientId: FROM, bizOpaqueCallbackData: 'msg_123', timestamp: '1751142888' }));
    assert.deepEqual(item, {
      kind: 'status',
      wamid: 'wamid.out',
      status,
      timestamp: 1751142888000,
      recipientPhone: FROM,
      recipientUserId: null,
      bizOpaqueCallbackData: 'msg_123',
      errors: [],
    });
  }
  const failed = only('status', meta.statusUpdate({ id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA', status: 'failed', recipientId: FROM }));
  assert.deepEqual(failed.errors, [
    {
      code: 131049,
      title: 'This message was not delivered to maintain healthy ecosystem engagement.',
      message: 'This message was not delivered to maintain healthy ecosystem engagement.',
    },
  ]);
});

test('statuses to a BSUID, and in a group (the participant is the recipient)', () => {
  const bsuid = only('status', meta.statusUpdate({ id: 'wamid.b', status: 'read', recipientUserId: 'US.9' }));
  assert.equal(bsuid.recipientPhone, null);
  assert.equal(bsuid.recipientUserId, 'US.9');
  const group = only(
    'status',
    meta.statusUpdate({ id: 'wamid.g', status: 'delivered', group: { groupId: 'HBgLMTY1MDM4Nzk0MzkVAgASGBQz', participantId: FROM } }),
  );
  assert.equal(group.recipientPhone, FROM);
});

test('an unknown status value (deleted, warning) is invalid, not guessed', () => {
  assert.match(only('invalid', meta.statusUpdate({ id: 'wamid.d', status: 'deleted' })).reason, /deleted/);
});

test('echo: the business wrote from the app; the person is `to`', () => {
  const changes = parseWebhook(meta.metaEnvelope(PNID, meta.echo({ to: FROM, id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA' })));
  assert.equal(changes[0].field, 'smb_message_echoes');
  assert.deepEqual(changes[0].items, [
    {
      kind: 'echo',
      externalId: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      wamid: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      to: { phone: FROM, userId: null, name: null, username: null },
      timestamp: 1739321024000,
      body: { type: 'text', content: "Here's the info you requested! https://www.meta.com/quest/quest-3/", media: null, contact: null, metadata: null },
      contextWamid: null,
    },
  ]);
});

test('echoes of media, to a BSUID-only person, and of a reaction', () => {
  const image = only(
    'echo',
    meta.echo({ to: FROM, id: 'wamid.e1', type: 'image', part: { id: '99', mime_type: 'image/png', sha256: 'abc', caption: 'catálogo' } }),
  );
  assert.equal(image.body.type, 'image');
  assert.equal(image.body.media?.id, '99');
  assert.equal(image.body.content, 'catálogo');
  const bsuid = only('echo', meta.echo({ to: null, toUserId: 'US.5', id: 'wamid.e2', body: 'oi' }));
  assert.deepEqual(bsuid.to, { phone: null, userId: 'US.5', name: null, username: null });
  const reaction = only('echo', meta.echo({ to: FROM, id: 'wamid.e3', type: 'reaction', part: { message_id: 'wamid.x', emoji: '❤️' } }));
  assert.equal(reaction.body.type, 'unsupported');
  assert.equal(meta.echo({ to: null, id: 'wamid.e4' }).message_echoes!.length, 1);
  assert.equal(only('invalid', meta.echo({ to: null, id: 'wamid.e4' })).kind, 'invalid');
});

test('value.errors become error items', () => {
  const items = itemsOf([
    meta.inbound(
      { from: '972987654321', id: 'wamid.wegrchytvwcggt=', timestamp: '1700505494', context: { from: '972123456789', id: 'wamid.gvwegfretge==' } },
      'interactive',
      undefined,
    ),
    meta.webhookErrors(),
  ]);
  assert.equal(items[0].kind, 'message');
  assert.equal((items[0] as any).body.type, 'unsupported');
  assert.deepEqual(items[1], {
    kind: 'error',
    code: 131000,
    title: 'Something went wrong',
    message: 'Something went wrong',
    details: 'Unsupported webhook payload',
  });
  assert.deepEqual(only('error', meta.webhookErrors([{ message: 'no title' }])), {
    kind: 'error',
    code: null,
    title: 'no title',
    message: 'no title',
    details: null,
  });
});

test('a batch of entries, changes, messages and statuses: one malformed item drops nothing else', () => {
  const first = meta.metaEnvelope(PNID, [
    meta.inboundText({ from: FROM, id: 'wamid.1', body: 'um' }),
    meta.inboundText({ from: '5511987654321', name: 'Ana', id: 'wamid.2', body: 'dois' }),
    meta.statusUpdate({ id: 'wamid.out1', status: 'delivered', recipientId: FROM }),
    meta.statusUpdate({ id: 'wamid.out2', status: 'read', recipientId: FROM }),
  ]);
  first.entry[0].changes[0].value.messages.splice(1, 0, 'garbage', { id: 'wamid.broken' });
  (first.entry[0].changes[0].value.statuses as any[]).push({ status: 'read' });
  const second = meta.metaBatch(
    [
      meta.metaEnvelope('200000000000001', meta.inboundImage({ from: FROM, id: 'wamid.3' })),
      meta.metaEnvelope('200000000000001', meta.echo({ to: FROM, id: 'wamid.4' })),
    ],
    { sameEntry: true },
  );
  const body = meta.metaBatch([first, second as any]);
  (body.entry as any[]).push(null);
  const changes = parseWebhook(body);
  assert.deepEqual(
    changes.map((change) => [change.phoneNumberId, change.field, change.items.map((item) => ('wamid' in item ? `${item.kind}:${item.wamid}` : item.kind))]),
    [
      [PNID, 'messages', ['message:wamid.1', 'invalid', 'invalid', 'message:wamid.2', 'status:wamid.out1', 'status:wamid.out2', 'invalid']],
      ['200000000000001', 'messages', ['message:wamid.3']],
      ['200000000000001', 'smb_message_echoes', ['echo:wamid.4']],
      [null, '', ['invalid']],
    ],
  );
  assert.equal((changes[0].items[1] as any).raw, 'garbage');
});

test('unknown shapes give no items and never throw', () => {
  for (const body of [null, undefined, 42, 'text', [], {}, { object: 'page', entry: [] }, { object: 'instagram', entry: [{ changes: [] }] }, { entry: 'x' }]) {
    assert.deepEqual(parseWebhook(body), [], JSON.stringify(body));
  }
  const accountUpdate = {
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }],
  };
  assert.deepEqual(parseWebhook(accountUpdate), [{ phoneNumberId: null, field: 'account_update', items: [] }]);
  assert.deepEqual(parseWebhook({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages' }] }] }), [
    { phoneNumberId: null, field: 'messages', items: [] },
  ]);
  const notArray = meta.metaEnvelope(PNID, {});
  (notArray.entry[0].changes[0].value as any).messages = { id: 'x' };
  assert.equal(parseWebhook(notArray)[0].items[0].kind, 'invalid');
});

test('an item whose reading throws is invalid on its own', () => {
  const part = meta.inboundText({ from: FROM, id: 'wamid.ok', body: 'ok' });
  const hostile = {
    get id(): string {
      throw new Error('boom');
    },
  };
  const body = meta.metaEnvelope(PNID, part);
  body.entry[0].changes[0].value.messages.unshift(hostile);
  const items = parseWebhook(body)[0].items;
  assert.deepEqual(
    items.map((item) => item.kind),
    ['invalid', 'message'],
  );
  assert.match((items[0] as any).reason, /boom/);
});

test('fixtures are Meta-shaped: the text envelope equals the vendor-notes example', () => {
  const body = meta.metaEnvelope(PNID, meta.inboundText({ from: FROM, id: WAMID, body: 'Does it come in another color?' }));
  assert.deepEqual(body, {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
              messages: [{ from: '16505551234', id: WAMID, timestamp: '1749416383', type: 'text', text: { body: 'Does it come in another color?' } }],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
});
