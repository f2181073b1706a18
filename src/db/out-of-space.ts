/** The codes of a write refused for want of space: SQLite's, PostgreSQL's disk_full, and the file system's (disk, quota). */
const OUT_OF_SPACE = new Set(['SQLITE_FULL', '53100', 'ENOSPC', 'EDQUOT']);

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** A write that failed because the disk (or the quota) is full; it will succeed once space returns. */
export function isOutOfSpace(error: unknown): boolean {
  return OUT_OF_SPACE.has(codeOf(error) as string);
}

/** PostgreSQL's class 53, insufficient resources (disk full, out of memory, too many connections): a retry may succeed. */
export function isInsufficientResources(error: unknown): boolean {
  const code = codeOf(error);
  return typeof code === 'string' && /^53[0-9A-Z]{3}$/.test(code);
}
