import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './problem.ts';

export interface UploadedFile { content: Buffer; mimeType: string; fileName: string }

export const isMultipart = (request: FastifyRequest) => (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

/** Reads a multipart/form-data body: text fields and at most one file (field `file`), within the upload limit. */
export async function readMultipart(request: FastifyRequest, maxFileBytes: number): Promise<{ fields: Record<string, string>; file: UploadedFile | null }> {
  const fields: Record<string, string> = {};
  let file: UploadedFile | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxFileBytes, files: 1, fields: 50 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw new HttpError(400, `file: unexpected file field "${part.fieldname}"`, 'validation_failed', { [part.fieldname]: ['is not a known file field'] });
        const content = await part.toBuffer();
        file = { content, mimeType: part.mimetype || 'application/octet-stream', fileName: part.filename || 'file' };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    const e = error as { code?: string; statusCode?: number };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) throw new HttpError(413, `file is larger than ${Math.round(maxFileBytes / 1048576)} MiB`, 'payload_too_large');
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `Malformed multipart body: ${(error as Error).message}`, 'invalid_multipart');
  }
  return { fields, file };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The file of a multipart/form-data request (field `file`), read before validation. */
    upload?: UploadedFile | null;
  }
}

/**
 * Reads multipart/form-data bodies before validation: the text fields become `request.body` (so the
 * route's multipart schema validates them like JSON) and the file `request.upload`. Registered by a
 * dialect after its auth hook, so nothing is read for an unauthenticated request.
 */
export function readMultipartBodies(app: FastifyInstance, maxFileBytes: number): void {
  app.addHook('preValidation', async (request) => {
    if (!isMultipart(request)) return;
    const form = await readMultipart(request, maxFileBytes);
    request.body = form.fields;
    request.upload = form.file;
  });
}
