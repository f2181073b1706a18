import type { ErrorSurface } from '../../http/surfaces.ts';

/** `{"error":{"code","message","details"}}` under /api/v1 (native-api.md). */
export const nativeErrorSurface: ErrorSurface = {
  name: 'native',
  matches: (url) => url === '/api/v1' || url.startsWith('/api/v1/') || url.startsWith('/api/v1?'),
  render: (p) => ({
    error: {
      code: p.reason === 'validation_failed' || p.reason === 'invalid_json' ? p.reason : p.status === 400 ? 'bad_request' : p.code,
      message: p.message,
      details: { reason: p.reason, ...(Object.keys(p.fields).length ? { fields: p.fields } : {}) },
    },
  }),
};
