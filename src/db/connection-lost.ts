/**
 * PostgreSQL's codes for a connection the server ended or would not take: admin_shutdown (a
 * restart, pg_terminate_backend), crash_shutdown, cannot_connect_now (starting up, recovering).
 */
const SERVER_ENDED = new Set(['57P01', '57P02', '57P03']);

/** What pg says, with no code, of a query on a connection that was already gone or went while it ran. */
const CLIENT_SAW_IT_GO = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** A statement that failed because the database connection was lost or refused: the same request can succeed on a new one. */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SERVER_ENDED.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  // The pool could not open a connection at all (the server is down or unreachable).
  if (code === 'ECONNREFUSED' && typeof (error as { port?: unknown }).port === 'number') return true;
  return typeof message === 'string' && CLIENT_SAW_IT_GO.includes(message);
}
