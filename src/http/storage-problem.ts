import { isConnectionLost } from '../db/connection-lost.ts';
import { isInsufficientResources, isOutOfSpace } from '../db/out-of-space.ts';
import type { Problem } from './problem.ts';

/** A full disk needs an operator to free space; other shortages (memory, connections) and lost connections pass sooner. */
const RETRY_AFTER_FULL_SECONDS = 30;
const RETRY_AFTER_SHORTAGE_SECONDS = 5;

const UNAVAILABLE = [
  {
    applies: isOutOfSpace,
    reason: 'storage_full',
    retryAfterSeconds: RETRY_AFTER_FULL_SECONDS,
    message: 'The server is out of storage space and cannot save changes; retry later',
  },
  {
    applies: isInsufficientResources,
    reason: 'insufficient_resources',
    retryAfterSeconds: RETRY_AFTER_SHORTAGE_SECONDS,
    message: 'The database is short of resources; retry later',
  },
  {
    applies: isConnectionLost,
    reason: 'database_unavailable',
    retryAfterSeconds: RETRY_AFTER_SHORTAGE_SECONDS,
    message: 'The connection to the database was lost; retry later',
  },
] as const;

/**
 * A write the storage refused for want of resources is not the client's fault nor a bug: `503`
 * with `Retry-After`, the same request will succeed later. So is a request whose database
 * connection was lost (a PostgreSQL restart or failover): the pool opens a new one. Null for any
 * other error.
 */
export function storageProblem(error: unknown): Problem | null {
  const found = UNAVAILABLE.find((u) => u.applies(error));
  if (!found) return null;
  const { reason, retryAfterSeconds, message } = found;
  return { status: 503, code: 'service_unavailable', reason, fields: {}, retryAfterSeconds, message };
}
