import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { HttpError } from './problem.ts';
import { coercingAjv } from './validation.ts';

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

/** Validates form fields (strings, coerced like a query string) against a route's TypeBox schema. */
const compiled = new WeakMap<TSchema, ReturnType<typeof coercingAjv.compile>>();

export function validateFields<T>(schema: TSchema, fields: Record<string, string>): T {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = coercingAjv.compile(schema as object)));
  const data: Record<string, unknown> = { ...fields };
  if (!validate(data)) throw Object.assign(new Error('validation'), { validation: validate.errors, validationContext: 'body' });
  return data as T;
}
