/** What went wrong, in domain terms; each dialect maps a kind to its own status and error shape. */
export type DomainErrorKind = 'not_found' | 'invalid' | 'conflict' | 'unprocessable' | 'unauthorized' | 'too_large';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** A stable machine-readable reason, e.g. `conversation_not_found`. */
    readonly reason: string = kind,
    /** For `unprocessable`/`invalid`: the offending field → messages. */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }
}

export const notFound = (entity: string, id?: string) =>
  new DomainError(
    'not_found',
    id ? `${capitalise(entity)} ${id} not found` : `${capitalise(entity)} not found`,
    `${entity.toLowerCase().replace(/ /g, '_')}_not_found`,
  );

export const invalid = (message: string, reason = 'invalid', field?: string) =>
  new DomainError('invalid', message, reason, field ? { [field]: [message] } : {});

export const conflict = (message: string, reason = 'conflict') => new DomainError('conflict', message, reason);

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
