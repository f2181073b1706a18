import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingFile } from '../media/media-store.ts';
import { HttpError } from './problem.ts';
import { hasNul, nulInField } from './nul-characters.ts';

const MAX_FIELDS = 50;

/** @fastify/multipart's limit errors, each saying which limit the form broke. */
const LIMIT_ERRORS: Record<string, (maxFileBytes: number) => HttpError> = {
  FST_REQ_FILE_TOO_LARGE: (max) => new HttpError(413, `file is larger than ${Math.round(max / 1048576)} MiB`, 'payload_too_large'),
  FST_FILES_LIMIT: () => new HttpError(400, 'Only one file may be sent, in the field "file"', 'too_many_files', { file: ['only one file may be sent'] }),
  FST_FIELDS_LIMIT: () => new HttpError(400, `The form has more than ${MAX_FIELDS} fields`, 'too_many_fields'),
  FST_PARTS_LIMIT: () => new HttpError(400, `The form has more than ${MAX_FIELDS + 1} parts`, 'too_many_fields'),
  FST_PROTO_VIOLATION: () => new HttpError(400, 'A form field may not be named __proto__, constructor or prototype', 'validation_failed'),
};

export const isMultipart = (request: FastifyRequest) => (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');

/** Reads a multipart/form-data body: text fields and at most one file (field `file`), within the upload limit. */
export async function readMultipart(request: FastifyRequest, maxFileBytes: number): Promise<{ fields: Record<string, string>; file: IncomingFile | null }> {
  // Field names come from the client: no prototype to answer `constructor` or `toString`.
  const fields: Record<string, string> = Object.create(null);
  let file: IncomingFile | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxFileBytes, files: 1, fields: MAX_FIELDS, parts: MAX_FIELDS + 1 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw new HttpError(400, `file: unexpected file field "${part.fieldname}"`, 'validation_failed', { [part.fieldname]: ['is not a known file field'] });
        const content = await part.toBuffer();
        file = { content, mimeType: part.mimetype || 'application/octet-stream', fileName: part.filename || 'file' };
      } else {
        const value = String(part.value);
        if (hasNul(value) || hasNul(part.fieldname)) throw nulInField(JSON.stringify(part.fieldname));
        fields[part.fieldname] = value;
      }
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: string }).code;
    if (code !== undefined && Object.hasOwn(LIMIT_ERRORS, code)) throw LIMIT_ERRORS[code](maxFileBytes);
    throw new HttpError(400, `Malformed multipart body: ${(error as Error).message}`, 'invalid_multipart');
  }
  return { fields, file };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The file of a multipart/form-data request (field `file`), read before validation. */
    upload?: IncomingFile | null;
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
