import type { ErrorSurface } from '../../http/surfaces.ts';
import { describeFields, HTTP_REASON_PHRASE } from '../../http/problem.ts';

/** Fastify's own error shape, which JuriChat answers with: `{"statusCode","error","message"}`. Also the fallback surface. */
export const jurichatErrorSurface: ErrorSurface = {
  name: 'jurichat',
  // JuriChat refuses a message outside WhatsApp's 24-hour window as a bad request (whatsapp-channel.md §3).
  status: (p) => (p.reason === 'outside_service_window' ? 400 : p.status),
  render: (p) => {
    const message = p.reason === 'validation_failed' && Object.keys(p.fields).length > 0 ? describeFields(p.fields) : p.message;
    const status = p.reason === 'outside_service_window' ? 400 : p.status;
    return { statusCode: status, error: HTTP_REASON_PHRASE[status] ?? 'Error', message };
  },
};
