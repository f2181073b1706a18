/**
 * W1's floor: the least CPU any Node server spends on one inbound message without storing it. It
 * answers each POST like the sandbox inbound route (the JSON body parsed, 201 with a messageId) and
 * sends one signed webhook per message to WEBHOOK_URL over a keep-alive agent, as the dispatcher
 * would; it stores nothing. Its CPU per message plus the reference ingest's (the same rows written
 * without HTTP) is what the server's CPU per message cannot go below on this machine.
 * Env: PORT (0 for a free one), WEBHOOK_URL. Prints "floor server listening on http://…".
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSender } from './webhook-out.ts';

const send = webhookSender(process.env.WEBHOOK_URL ?? '');
const sendWebhook = (data: object) => send(JSON.stringify({ event: 'chat.message.created', timestamp: new Date().toISOString(), data }));

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let message: { from?: { phone?: string }; text?: string; externalId?: string };
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
      return;
    }
    const messageId = randomUUID();
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId, duplicate: false }));
    sendWebhook({ messageId, message });
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`floor server listening on http://127.0.0.1:${port}\n`);
});
