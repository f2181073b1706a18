import type { ErrorSurface } from '../../http/surfaces.ts';
import { HTTP_REASON_PHRASE } from '../../http/problem.ts';

/** Fastify's own error shape, which JuriChat answers with: `{"statusCode","error","message"}`. Also the fallback surface. */
export const jurichatErrorSurface: ErrorSurface = {
  name: 'jurichat',
  matches: () => true,
  render: (p) => ({ statusCode: p.status, error: HTTP_REASON_PHRASE[p.status] ?? 'Error', message: p.message }),
};
