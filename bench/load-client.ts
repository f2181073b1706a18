import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { scriptPath } from './paths.ts';

/** GETs of paths picked at random from `paths`. */
export interface GetSpec {
  kind: 'get';
  origin: string;
  headers: Record<string, string>;
  paths: string[];
  connections: number;
  durationSeconds: number;
}

/** Sandbox inbound messages from `phones` distinct phones, each with a unique externalId. */
export interface InboundSpec {
  kind: 'inbound';
  origin: string;
  headers: Record<string, string>;
  path: string;
  phonePrefix: string;
  phones: number;
  externalIdPrefix: string;
  connections: number;
  durationSeconds: number;
}

/**
 * Signed Meta webhooks (W2): each request is one batch of `batchSize` inbound text messages from
 * `peoplePerBatch` people, every message with its own wamid (`wamidOf(wamidPrefix, batch, k)`).
 * Bodies and their X-Hub-Signature-256 are computed before the load starts.
 */
export interface WhatsAppSpec {
  kind: 'whatsapp';
  origin: string;
  path: string;
  appSecret: string;
  phoneNumberId: string;
  phonePrefix: string;
  phones: number;
  wamidPrefix: string;
  batchSize: number;
  peoplePerBatch: number;
  /** Bodies signed before the load; past them, bodies are built and signed during the load. */
  precomputed: number;
  connections: number;
  durationSeconds: number;
}

export type LoadSpec = GetSpec | InboundSpec | WhatsAppSpec;

/** The wamid of message `k` of batch `batch` (the harness rebuilds acknowledged wamids with it). */
export const wamidOf = (prefix: string, batch: number, k: number) => `wamid.${prefix}${batch}.${k}`;

const WHATSAPP_TEXTS = [
  'Olá, boa tarde!',
  'Gostaria de saber o andamento do meu processo, por favor.',
  'Recebi a intimação ontem, o que preciso fazer agora? Tenho até sexta para responder?',
  'ok, obrigado',
  'Segue o comprovante do pagamento da primeira parcela dos honorários, conforme combinamos na reunião de terça-feira.',
];

/**
 * Batch `batch` as Meta sends it (vendor notes §2): one entry, one `messages` change, `batchSize`
 * text messages from `peoplePerBatch` people listed in `contacts`; and its X-Hub-Signature-256.
 */
export function whatsappBody(
  spec: Pick<WhatsAppSpec, 'appSecret' | 'phoneNumberId' | 'phonePrefix' | 'phones' | 'wamidPrefix' | 'batchSize' | 'peoplePerBatch'>,
  batch: number,
  timestamp: string,
): { body: string; signature: string } {
  const people: string[] = [];
  for (let p = 0; p < spec.peoplePerBatch; p++) people.push(`${spec.phonePrefix}${String((batch * spec.peoplePerBatch + p) % spec.phones).padStart(9, '0')}`);
  const messages = [];
  for (let k = 0; k < spec.batchSize; k++) {
    messages.push({
      from: people[k % people.length]!,
      id: wamidOf(spec.wamidPrefix, batch, k),
      timestamp,
      type: 'text',
      text: { body: WHATSAPP_TEXTS[(batch + k) % WHATSAPP_TEXTS.length] },
    });
  }
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: spec.phoneNumberId },
              contacts: people.map((wa_id) => ({ profile: { name: `Cliente ${wa_id.slice(-4)}` }, wa_id })),
              messages,
            },
          },
        ],
      },
    ],
  });
  return { body, signature: `sha256=${createHmac('sha256', spec.appSecret).update(body).digest('hex')}` };
}

export interface LoadResult {
  durationSeconds: number;
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx responses per second. */
  rps: number;
  /** Latency of 2xx responses, ms (autocannon's histogram has 1 ms resolution). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Inbound only: the messageId of every 2xx answer with duplicate:false, and how many said duplicate:true. */
  ackedMessageIds?: string[];
  duplicateAnswers?: number;
  sent?: number;
  /** WhatsApp only: the batch numbers answered 2xx, and how many bodies had to be signed during the load. */
  ackedBatches?: number[];
  signedDuringLoad?: number;
}

type Reply = { id: number; result?: LoadResult; error?: string };

/**
 * The load generator runs in its own process (bench/load.ts), so it does not share a CPU core's
 * event loop with the server or with the harness; it stays up for a whole run and takes one spec at a time.
 */
export class LoadWorker {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();

  constructor() {
    this.child = fork(scriptPath('load.ts'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result!);
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load worker exited with code ${code}`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.child.send({ id, spec });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.disconnect();
    await exited;
  }
}
