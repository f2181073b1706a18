/**
 * The floors' webhook sends: one signed POST per body over a keep-alive agent, as the dispatcher
 * sends a delivery, with nothing recorded about the outcome.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

const SECRET = 'floor-secret';

export function webhookSender(url: string): (body: string) => void {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  return (body) => {
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const req = request(target, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-jurichat-delivery': randomUUID(),
        'x-jurichat-signature': signature,
      },
    });
    req.on('response', (res) => res.resume());
    req.on('error', () => {});
    req.end(body);
  };
}
