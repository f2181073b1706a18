import type { ErrorSurface } from '../../http/surfaces.ts';
import type { Problem } from '../../http/problem.ts';

/** The statuses this dialect answers with; every other client error is a validation failure (422). */
const KEPT_STATUSES = new Set([401, 404, 409, 413, 422, 429]);

const CODE_OF_STATUS: Record<number, string> = {
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

/** Domain and HTTP reasons in Jelou's words (a Jelou "user" is a person, an "operator" a user, a "conversation" a session). */
const KEY_OF_REASON: Record<string, string> = {
  person_not_found: 'user_not_found',
  user_not_found: 'operator_not_found',
  session_not_found: 'conversation_not_found',
  webhook_not_found: 'integration_not_found',
  session_already_active: 'conversation_already_active',
  no_active_session: 'no_active_conversation',
  missing_api_key: 'invalid_api_key',
  rate_limited: 'too_many_requests',
  internal_error: 'internal_server_error',
};

interface Texts {
  message: string;
  es: string;
  pt: string;
}

/** The short, user-facing texts of each key; `description` carries the specifics. */
const TEXTS: Record<string, Texts> = {
  invalid_api_key: { message: 'Invalid credentials', es: 'Credenciales inválidas', pt: 'Credenciais inválidas' },
  project_mismatch: {
    message: 'Credentials do not belong to this project',
    es: 'Las credenciales no pertenecen a este proyecto',
    pt: 'As credenciais não pertencem a este projeto',
  },
  invalid_signature: { message: 'Invalid signature', es: 'Firma inválida', pt: 'Assinatura inválida' },
  integration_not_found: { message: 'Integration not found', es: 'Integración no encontrada', pt: 'Integração não encontrada' },
  integration_already_exists: { message: 'Integration already exists', es: 'La integración ya existe', pt: 'A integração já existe' },
  bot_not_found: { message: 'Bot not found', es: 'Bot no encontrado', pt: 'Bot não encontrado' },
  user_not_found: { message: 'User not found', es: 'Usuario no encontrado', pt: 'Usuário não encontrado' },
  operator_not_found: { message: 'Operator not found', es: 'Operador no encontrado', pt: 'Operador não encontrado' },
  conversation_not_found: { message: 'Conversation not found', es: 'Conversación no encontrada', pt: 'Conversa não encontrada' },
  conversation_already_active: { message: 'Conversation already active', es: 'Ya existe una conversación activa', pt: 'Já existe uma conversa ativa' },
  no_active_conversation: { message: 'No active conversation', es: 'No hay una conversación activa', pt: 'Não há conversa ativa' },
  conversation_of_another_bot: {
    message: 'Conversation belongs to another bot',
    es: 'La conversación pertenece a otro bot',
    pt: 'A conversa pertence a outro bot',
  },
  validation_failed: { message: 'Validation failed', es: 'Datos inválidos', pt: 'Dados inválidos' },
  route_not_found: { message: 'Route not found', es: 'Ruta no encontrada', pt: 'Rota não encontrada' },
  payload_too_large: { message: 'Payload too large', es: 'El contenido es demasiado grande', pt: 'O conteúdo é grande demais' },
  too_many_requests: { message: 'Too many requests', es: 'Demasiadas solicitudes', pt: 'Muitas requisições' },
  internal_server_error: { message: 'Internal server error', es: 'Error interno del servidor', pt: 'Erro interno do servidor' },
  service_unavailable: { message: 'Service temporarily unavailable', es: 'Servicio no disponible temporalmente', pt: 'Serviço temporariamente indisponível' },
};

const GENERIC: Record<string, Texts> = {
  unauthorized: TEXTS.invalid_api_key,
  not_found: { message: 'Not found', es: 'No encontrado', pt: 'Não encontrado' },
  conflict: { message: 'Conflict', es: 'Conflicto', pt: 'Conflito' },
  unprocessable_entity: TEXTS.validation_failed,
  payload_too_large: TEXTS.payload_too_large,
  too_many_requests: TEXTS.too_many_requests,
  internal_server_error: TEXTS.internal_server_error,
  service_unavailable: TEXTS.service_unavailable,
};

/** The status Jelou answers for a general one; the OpenAPI document declares errors through it too. */
export function jelouStatusFor(status: number): number {
  // 503 says "retry later" (with Retry-After); any other server failure is a plain 500.
  if (status >= 500) return status === 503 ? 503 : 500;
  return KEPT_STATUSES.has(status) ? status : 422;
}

export const jelouStatus = (p: Problem): number => jelouStatusFor(p.status);

function keyOf(p: Problem, status: number): string {
  if (status === 422) return 'validation_failed';
  if (status === 500) return 'internal_server_error';
  return KEY_OF_REASON[p.reason] ?? p.reason;
}

const ANY_OF = 'must match a schema in anyOf';

/**
 * A nullable field's schema is a union, so the validator reports the branch that failed, "must be
 * null" and "must match a schema in anyOf" together; keep what the client needs: the nested field
 * that failed, or "must be object or null".
 */
function tidy(fields: Record<string, string[]>): Record<string, string[]> {
  const names = Object.keys(fields);
  const out: Record<string, string[]> = Object.create(null);
  for (const [field, messages] of Object.entries(fields)) {
    const nested = names.some((n) => n.startsWith(`${field}.`));
    const kept = messages.filter((m) => m !== ANY_OF);
    if (nested && kept.every((m) => m === 'must be null')) continue;
    const TYPE = /^must be ([a-z]+)$/;
    const types = kept.map((m) => TYPE.exec(m)?.[1]).filter((t): t is string => t !== undefined);
    const merged = types.length > 1 ? [`must be ${types.join(' or ')}`, ...kept.filter((m) => !TYPE.test(m))] : kept;
    out[field] = merged.length > 0 ? merged : messages;
  }
  return out;
}

/** What a 422 names: the offending fields, or the body as a whole when it was not JSON (or not an object). */
function fieldsOf(p: Problem): Record<string, string[]> {
  if (Object.keys(p.fields).length > 0) return tidy(p.fields);
  if (p.reason === 'invalid_json') return { body: ['is not valid JSON'] };
  return { body: [p.message] };
}

export function renderJelouError(p: Problem) {
  const status = jelouStatus(p);
  const code = CODE_OF_STATUS[status];
  const key = keyOf(p, status);
  const texts = TEXTS[key] ?? GENERIC[code];
  const description = status === 500 ? 'Internal server error' : p.message;
  return {
    message: texts.message,
    statusMessage: 'error',
    status: 0,
    error: {
      code,
      key,
      description,
      developerMessages: { en: description },
      clientMessages: { es: texts.es, pt: texts.pt, en: texts.message },
    },
    validationError: status === 422 ? fieldsOf(p) : {},
  };
}

/** Jelou's error envelope: validation failures and malformed JSON are 422 `validation_failed`. */
export const jelouErrorSurface: ErrorSurface = {
  name: 'jelou',
  render: renderJelouError,
  status: jelouStatus,
};
