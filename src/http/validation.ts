import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function ajv(options: Options): Ajv {
  const instance = new Ajv({ allErrors: false, strict: false, useDefaults: true, removeAdditional: false, ...options });
  addFormats(instance);
  return instance;
}

// Query strings and paths are text, so they are coerced ("limit=20"); bodies are JSON and must carry the right types.
export const coercingAjv = ajv({ coerceTypes: 'array' });
const exact = ajv({ coerceTypes: false });

// Form fields are text too, so multipart bodies are coerced like query strings.
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({
  schema,
  httpPart,
  contentType,
}: {
  schema: unknown;
  httpPart?: string;
  contentType?: string;
}) => (httpPart === 'body' && !contentType?.startsWith('multipart/') ? exact : coercingAjv).compile(schema as object) as never;
