// The load generator process: runs autocannon for each spec the harness sends (see load-client.ts).
import { createRequire } from 'node:module';
import { type GetSpec, type InboundSpec, type LoadResult, type LoadSpec, type WhatsAppSpec, whatsappBody } from './load-client.ts';

interface Histogram {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  average: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonResult {
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon ships no type declarations.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const TEXTS = [
  'Olá, boa tarde!',
  'Gostaria de saber o andamento do meu processo, por favor.',
  'Recebi a intimação ontem, o que preciso fazer agora? Tenho até sexta para responder?',
  'ok, obrigado',
  'Segue o comprovante do pagamento da primeira parcela dos honorários, conforme combinamos na reunião de terça-feira.',
];

function summarise(result: AutocannonResult): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stats.count);
  const ok = result['2xx'];
  return {
    durationSeconds: result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.average,
  };
}

async function runGet(spec: GetSpec): Promise<LoadResult> {
  const { paths } = spec;
  const result = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: spec.headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request: AutocannonRequest) => ({ ...request, path: paths[Math.floor(Math.random() * paths.length)] }),
      },
    ],
  });
  return summarise(result);
}

async function runInbound(spec: InboundSpec): Promise<LoadResult> {
  let sent = 0;
  let duplicateAnswers = 0;
  const acked: string[] = [];
  const result = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: { ...spec.headers, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: spec.path,
        setupRequest: (request: AutocannonRequest) => {
          const n = sent++;
          const phone = `${spec.phonePrefix}${String(n % spec.phones).padStart(9, '0')}`;
          const body = JSON.stringify({
            from: { phone, name: `Cliente ${n % spec.phones}` },
            message: { externalId: `${spec.externalIdPrefix}${n}`, type: 'text', text: TEXTS[n % TEXTS.length] },
          });
          return { ...request, body };
        },
        onResponse: (status: number, body: string) => {
          if (status < 200 || status >= 300) return;
          try {
            const answer = JSON.parse(body) as { messageId: string; duplicate: boolean };
            if (answer.duplicate) duplicateAnswers++;
            else acked.push(answer.messageId);
          } catch {
            // Counted by autocannon as a 2xx; the harness finds the missing id.
          }
        },
      },
    ],
  });
  return { ...summarise(result), ackedMessageIds: acked, duplicateAnswers, sent };
}

async function runWhatsApp(spec: WhatsAppSpec): Promise<LoadResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const ready: { body: string; signature: string }[] = [];
  for (let n = 0; n < spec.precomputed; n++) ready.push(whatsappBody(spec, n, timestamp));
  let sent = 0;
  let signedDuringLoad = 0;
  const ackedBatches: number[] = [];
  const result = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: [
      {
        method: 'POST',
        path: spec.path,
        setupRequest: (request: AutocannonRequest, context: Record<string, unknown>) => {
          const n = sent++;
          let signed = ready[n];
          if (signed) ready[n] = undefined as never;
          else {
            signed = whatsappBody(spec, n, timestamp);
            signedDuringLoad++;
          }
          // The response of this request is recorded before the connection builds its next one.
          context.batch = n;
          return {
            ...request,
            headers: { ...request.headers, 'content-type': 'application/json', 'x-hub-signature-256': signed.signature },
            body: signed.body,
          };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (status >= 200 && status < 300 && typeof context.batch === 'number') ackedBatches.push(context.batch);
        },
      },
    ],
  });
  return { ...summarise(result), ackedBatches, signedDuringLoad, sent };
}

process.on('message', (message: { id: number; spec: LoadSpec }) => {
  const { spec } = message;
  const run = spec.kind === 'get' ? runGet(spec) : spec.kind === 'inbound' ? runInbound(spec) : runWhatsApp(spec);
  run.then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
