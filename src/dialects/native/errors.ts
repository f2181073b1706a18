import type { ErrorSurface } from '../../http/surfaces.ts';

/** Reasons that are the error's code themselves (native-api.md, whatsapp-channel.md §3; a retry refused). */
const PASSED_REASONS = new Set(['validation_failed', 'invalid_json', 'outside_service_window', 'not_failed', 'send_in_progress']);

/** `{"error":{"code","message","details"}}` under /api/v1 (native-api.md). */
export const nativeErrorSurface: ErrorSurface = {
  name: 'native',
  render: (p) => ({
    error: {
      code: PASSED_REASONS.has(p.reason) ? p.reason : p.status === 400 ? 'bad_request' : p.code,
      message: p.message,
      details: { reason: p.reason, ...(Object.keys(p.fields).length ? { fields: p.fields } : {}) },
    },
  }),
};
