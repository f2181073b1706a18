import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transition, isHumanSupport, endedReasonFor, type Trigger } from '../../src/domain/state-machine.ts';
import type { ConversationStatus } from '../../src/domain/model.ts';

const ALL: (ConversationStatus | null)[] = [null, 'ROBOT_INTERACTIVE', 'WAITING', 'ACTIVE', 'INACTIVE'];

/** The table of spec §2, written out: [from, trigger, expected]. */
const TABLE: [ConversationStatus | null, Trigger, ConversationStatus | 'stay' | 'refused'][] = [
  [null, 'inbound', 'ROBOT_INTERACTIVE'],
  ['INACTIVE', 'inbound', 'ROBOT_INTERACTIVE'],
  ['ROBOT_INTERACTIVE', 'inbound', 'stay'],
  ['WAITING', 'inbound', 'stay'],
  ['ACTIVE', 'inbound', 'stay'],

  ['ROBOT_INTERACTIVE', 'handoff', 'WAITING'],
  ['INACTIVE', 'handoff', 'WAITING'],
  ['WAITING', 'handoff', 'stay'],
  ['ACTIVE', 'handoff', 'refused'],
  [null, 'handoff', 'refused'],

  ['ROBOT_INTERACTIVE', 'agent_assigned', 'ACTIVE'],
  ['WAITING', 'agent_assigned', 'ACTIVE'],
  ['INACTIVE', 'agent_assigned', 'ACTIVE'],
  ['ACTIVE', 'agent_assigned', 'stay'],
  [null, 'agent_assigned', 'refused'],

  ['ACTIVE', 'agent_unassigned', 'WAITING'],
  ['WAITING', 'agent_unassigned', 'stay'],
  ['ROBOT_INTERACTIVE', 'agent_unassigned', 'stay'],
  ['INACTIVE', 'agent_unassigned', 'stay'],

  ['WAITING', 'support_ended', 'ROBOT_INTERACTIVE'],
  ['ACTIVE', 'support_ended', 'ROBOT_INTERACTIVE'],
  ['ROBOT_INTERACTIVE', 'support_ended', 'stay'],
  ['INACTIVE', 'support_ended', 'stay'],

  ['ROBOT_INTERACTIVE', 'inactivity', 'INACTIVE'],
  ['WAITING', 'inactivity', 'INACTIVE'],
  ['ACTIVE', 'inactivity', 'INACTIVE'],
  ['INACTIVE', 'inactivity', 'stay'],
  [null, 'inactivity', 'refused'],

  ['ROBOT_INTERACTIVE', 'resolved', 'INACTIVE'],
  ['WAITING', 'resolved', 'INACTIVE'],
  ['ACTIVE', 'resolved', 'INACTIVE'],
  ['INACTIVE', 'resolved', 'stay'],
  [null, 'resolved', 'refused'],
];

for (const [from, trigger, expected] of TABLE) {
  test(`${from ?? '(new)'} --${trigger}--> ${expected}`, () => {
    const step = transition(from, trigger);
    if (expected === 'stay') assert.deepEqual(step, { kind: 'stay' });
    else if (expected === 'refused') assert.equal(step.kind, 'refused');
    else assert.deepEqual(step, { kind: 'move', to: expected });
  });
}

test('the table covers every status for every trigger that can apply to an existing conversation', () => {
  const triggers: Trigger[] = ['inbound', 'handoff', 'agent_assigned', 'agent_unassigned', 'support_ended', 'inactivity', 'resolved'];
  for (const trigger of triggers) {
    for (const from of ALL.filter((s) => s !== null)) {
      assert.ok(
        TABLE.some(([f, t]) => f === from && t === trigger),
        `missing ${from} × ${trigger}`,
      );
    }
  }
});

test('human support is exactly WAITING and ACTIVE', () => {
  assert.deepEqual(ALL.filter(isHumanSupport), ['WAITING', 'ACTIVE']);
});

test('sessions close with the reason of what ended them', () => {
  assert.equal(endedReasonFor('support_ended'), 'closed_by_operator');
  assert.equal(endedReasonFor('inactivity'), 'inactivity');
  assert.equal(endedReasonFor('resolved'), 'resolved');
});
