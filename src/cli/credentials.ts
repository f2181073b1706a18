import type { InitResult } from '../domain/workspaces.ts';

/** The one-time credentials block of `init` and of `serve` on an empty database. */
export function credentialsBlock(result: InitResult, publicUrl: string): string {
  const body = JSON.stringify({ from: { phone: '5511999990000', name: 'Maria' }, message: { type: 'text', text: 'Olá' } });
  const rows: [string, string][] = [
    ['Workspace id', result.workspaceId],
    ['Inbox id', result.inboxId],
    ['Channel id', result.channelId],
    ['Bot id', result.botId],
    ['API key', result.apiKey],
    ['Client id', result.clientId],
    ['Client secret', result.clientSecret],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const rule = '─'.repeat(72);
  return [
    rule,
    'New workspace created. These credentials are shown ONCE — store them now.',
    '',
    ...rows.map(([label, value]) => `  ${(`${label}:`).padEnd(width)} ${value}`),
    '',
    'Native API: Authorization: Bearer <API key>. Jelou Basic auth: <client id>:<client secret>.',
    'Try it — an end user writes to the sandbox channel:',
    '',
    `  curl -sS -X POST '${publicUrl}/api/v1/channels/${result.channelId}/inbound' \\`,
    `    -H 'Authorization: Bearer ${result.apiKey}' \\`,
    `    -H 'Content-Type: application/json' \\`,
    `    -d '${body}'`,
    rule,
    '',
  ].join('\n');
}
