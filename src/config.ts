import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  publicUrl: string;
  logLevel: string;
  allowPrivateWebhooks: boolean;
  rateLimitPerMinute: number;
  /** Missing or refused credentials per client address per minute; 0 turns the limit off. */
  authFailuresPerMinute: number;
  maxUploadMb: number;
  /** The outbox dispatcher and schedulers; tests switch them off and drive them by hand. */
  runWorkers: boolean;
  /** `GET /api/v1/events/stream`: the comment heartbeat's interval (default 15 s; tests shorten it). */
  eventStreamHeartbeatMs?: number;
  /** How often the event streams' follower reads the feed while a stream is open (default 200 ms). */
  eventStreamPollMs?: number;
}

export class ConfigError extends Error {}

export function isOn(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(env: NodeJS.ProcessEnv): string {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/** Reads and validates the environment once (spec README §5). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const host = env.HOST || '127.0.0.1';
  const port = integer(env, 'PORT', 3001, 0);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, got "${env.PORT}"`);
  const dataDir = resolve(env.CONVERSAS_DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || `sqlite:${resolve(dataDir, 'conversas.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl}"`);
  }
  const config: Config = {
    host,
    port,
    databaseUrl,
    dataDir,
    publicUrl: (env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    logLevel: logLevel(env),
    allowPrivateWebhooks: isOn(env.CONVERSAS_ALLOW_PRIVATE_WEBHOOKS),
    rateLimitPerMinute: integer(env, 'CONVERSAS_RATE_LIMIT_PER_MINUTE', 600, 0),
    authFailuresPerMinute: integer(env, 'CONVERSAS_AUTH_FAILURES_PER_MINUTE', 60, 0),
    maxUploadMb: integer(env, 'CONVERSAS_MAX_UPLOAD_MB', 16, 1),
    runWorkers: true,
    ...overrides,
  };
  return config;
}
