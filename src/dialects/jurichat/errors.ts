import type { ErrorSurface } from '../../http/surfaces.ts';
import { describeFields, HTTP_REASON_PHRASE } from '../../http/problem.ts';

/** Fastify's own error shape, which JuriChat answers with: `{"statusCode","error","message"}`. Also the fallback surface. */
export const jurichatErrorSurface: ErrorSurface = {
  name: 'jurichat',
  matches: () => true,
  render: (p) => {
    const message = p.reason === 'validation_failed' && Object.keys(p.fields).length > 0 ? describeFields(p.fields) : p.message;
    return { statusCode: p.status, error: HTTP_REASON_PHRASE[p.status] ?? 'Error', message };
  },
};
