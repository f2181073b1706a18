import type { InitResult } from '../domain/workspaces.ts';

/** Credentials as printed; a workspace whose default inbox, channel or bot was deleted has null there. */
export type PrintedCredentials = Omit<InitResult, 'inboxId' | 'channelId' | 'botId' | 'userEmail' | 'userPassword'> & {
  inboxId: string | null;
  channelId: string | null;
  botId: string | null;
  /** The first admin's sign-in, when this command created them (`init`, first `serve`). */
  userEmail?: string;
  userPassword?: string;
};

/** What `--json` prints: the same keys for `init` and `api-key`, plus the admin's sign-in from `init`. */
export function credentialsJson(result: PrintedCredentials): string {
  const { workspaceId, inboxId, channelId, botId, apiKey, clientId, clientSecret, userEmail, userPassword } = result;
  return `${JSON.stringify({ workspaceId, inboxId, channelId, botId, apiKey, clientId, clientSecret, userEmail, userPassword })}\n`;
}

/** The one-time credentials block of `init`, `api-key` and `serve` on an empty database. */
export function credentialsBlock(result: PrintedCredentials, publicUrl: string, title = 'New workspace created.'): string {
  const body = JSON.stringify({ from: { phone: '5511999990000', name: 'Maria' }, message: { type: 'text', text: 'Olá' } });
  const rows: [string, string][] = [
    ['Workspace id', result.workspaceId],
    ['Inbox id', result.inboxId ?? '(none)'],
    ['Channel id', result.channelId ?? '(none)'],
    ['Bot id', result.botId ?? '(none)'],
    ['API key', result.apiKey],
    ['Client id', result.clientId],
    ['Client secret', result.clientSecret],
    ...(result.userEmail && result.userPassword
      ? ([
          ['Admin e-mail', result.userEmail],
          ['Admin password', result.userPassword],
        ] as [string, string][])
      : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const rule = '─'.repeat(72);
  return [
    rule,
    `${title} These credentials are shown ONCE — store them now.`,
    '',
    ...rows.map(([label, value]) => `  ${(`${label}:`).padEnd(width)} ${value}`),
    '',
    'Native API: Authorization: Bearer <API key>. Jelou Basic auth: <client id>:<client secret>.',
    ...(result.userEmail ? [`Inbox: sign in at ${publicUrl}/ with the admin e-mail and password.`] : []),
    ...(result.channelId === null
      ? []
      : [
          'Try it — an end user writes to the sandbox channel:',
          '',
          `  curl -sS -X POST '${publicUrl}/api/v1/channels/${result.channelId}/inbound' \\`,
          `    -H 'Authorization: Bearer ${result.apiKey}' \\`,
          `    -H 'Content-Type: application/json' \\`,
          `    -d '${body}'`,
        ]),
    rule,
    '',
  ].join('\n');
}
