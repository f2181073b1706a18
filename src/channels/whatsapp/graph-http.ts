import http from 'node:http';
import https from 'node:https';
import type { GuardedAgents } from '../../net/guarded-lookup.ts';
import { failure, type GraphFailure } from './graph-errors.ts';

/** One HTTP exchange with Meta, as the Graph client makes it. */
export interface GraphExchange {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** No progress (connecting, sending, or receiving the answer) for this long ends the exchange. */
  timeoutMs: number;
  /** More answer bytes than this are not read: the answer comes back with `tooLarge`. */
  maxBytes: number;
  /** Safe to repeat (reads, uploads, read receipts): an interrupted exchange is then 'retry', never 'unknown'. */
  repeatable: boolean;
}

export type GraphAnswer =
  | { kind: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: Buffer; tooLarge: boolean }
  | { kind: 'failed'; failure: GraphFailure };

class GraphTimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

/**
 * Sends one request with node:http(s) through the guarded agents and reads at most `maxBytes` of
 * the answer. Never rejects: transport failures come back classified. Whether the request was
 * fully written is the ClientRequest's 'finish' event: it fires once the last byte was handed to
 * the operating system on a connected socket, so a failure before it (DNS, refused, reset while
 * connecting or writing) means Meta cannot have acted on the request.
 */
export function exchange(agents: GuardedAgents, request: GraphExchange): Promise<GraphAnswer> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(request.url);
    } catch {
      return resolve({ kind: 'failed', failure: failure('rejected', 'invalid Graph API URL') });
    }
    const agent = agents[target.protocol as keyof GuardedAgents];
    if (!agent) return resolve({ kind: 'failed', failure: failure('rejected', `unsupported protocol ${target.protocol}`) });
    const transport = target.protocol === 'https:' ? https : http;
    const payload = request.body ?? Buffer.alloc(0);
    let written = false;
    let answered = false;
    let settled = false;
    const settle = (answer: GraphAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const fail = (error: NodeJS.ErrnoException) => settle({ kind: 'failed', failure: transportFailure(error, written || answered, request.repeatable) });
    const headers = request.method === 'POST' ? { ...request.headers, 'content-length': String(payload.length) } : request.headers;
    const outgoing = transport.request(target, { method: request.method, agent, headers }, (response) => {
      answered = true;
      timer.refresh();
      const answer = (body: Buffer, tooLarge: boolean) => ({
        kind: 'answer' as const,
        status: response.statusCode ?? 0,
        headers: response.headers,
        body,
        tooLarge,
      });
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        settle(answer(Buffer.alloc(0), true));
        return response.destroy();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        timer.refresh();
        size += chunk.length;
        if (size > request.maxBytes) {
          settle(answer(Buffer.concat(chunks), true));
          return response.destroy();
        }
        chunks.push(chunk);
      });
      response.on('end', () => settle(answer(Buffer.concat(chunks), false)));
      response.on('error', fail);
      response.on('close', () => {
        if (!response.complete) fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
      });
    });
    // Restarted when the request is written and when answer bytes arrive: a large download is not cut for being large.
    const timer = setTimeout(() => outgoing.destroy(new GraphTimeoutError(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    outgoing.on('finish', () => {
      written = true;
      timer.refresh();
    });
    outgoing.on('error', fail);
    outgoing.end(payload);
  });
}

/** A request that failed without a complete answer, classified by how far it got. */
export function transportFailure(error: NodeJS.ErrnoException, reachedMeta: boolean, repeatable: boolean): GraphFailure {
  const reason = `${error.code ?? error.name}: ${error.message}`;
  // A refused address is a configuration problem (or a hostile URL), and retrying cannot change it.
  if (error.code === 'ERR_BLOCKED_ADDRESS') return failure('rejected', reason);
  if (!reachedMeta) return failure('retry', `request not sent: ${reason}`);
  if (repeatable) return failure('retry', `no complete answer: ${reason}`);
  return failure('unknown', `send outcome unknown: ${reason}`);
}
