import type { ErrorSurface } from '../../http/surfaces.ts';
import { HTTP_REASON_PHRASE } from '../../http/problem.ts';

// Zod's words for the commonest failures, as JuriChat's own validator answers ("inboxId: Required").
const ZOD_WORDS: Record<string, string> = { 'is required': 'Required', 'is not a known field': 'Unrecognized key' };

/** Fastify's own error shape, which JuriChat answers with: `{"statusCode","error","message"}`. Also the fallback surface. */
export const jurichatErrorSurface: ErrorSurface = {
  name: 'jurichat',
  matches: () => true,
  render: (p) => {
    const fields = Object.entries(p.fields);
    const message =
      p.reason === 'validation_failed' && fields.length > 0
        ? fields
            .map(([field, messages]) =>
              messages.map((m) => (m.startsWith(`${field}:`) || m.startsWith(`${field} `) ? m : `${field}: ${ZOD_WORDS[m] ?? m}`)).join('; '),
            )
            .join('; ')
        : p.message;
    return { statusCode: p.status, error: HTTP_REASON_PHRASE[p.status] ?? 'Error', message };
  },
};
