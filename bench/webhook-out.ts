/**
 * The floors' webhook sends: one signed POST per body over a keep-alive agent, as the dispatcher
 * sends a delivery. Nothing is recorded here; `done` hears the response's status (null: no answer).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

const SECRET = 'floor-secret';

export function webhookSender(url: string): (body: string, done?: (statusCode: number | null) => void) => void {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  return (body, done) => {
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
    req.on('response', (res) => {
      res.resume();
      if (done) res.on('end', () => done(res.statusCode ?? null));
    });
    req.on('error', () => done?.(null));
    req.end(body);
  };
}
