import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../../domain/context.ts';
import { DomainError } from '../../../domain/errors.ts';
import { createSoleSubscription, deleteSubscription, listSubscriptions, updateSubscription, type WebhookSubscription } from '../../../domain/webhooks.ts';
import { webhookUrlProblem } from '../../../events/webhook-url.ts';
import { JELOU_DIALECT } from '../webhook-format.ts';
import { authTypeOf, presentIntegration } from '../presenters.ts';
import {
  AUTH_TYPES,
  Authorization,
  Integration,
  Nullable,
  IntegrationMaybeSecret,
  IntegrationWithSecret,
  ProjectParams,
  Success,
  SuccessWithoutData,
  WebhookUrl,
  errors,
  success,
  type AuthType,
} from '../schemas.ts';

/** 64 lowercase hex characters (jelou-api.md); signatures are keyed with this text as UTF-8. */
const newSigningSecret = () => randomBytes(32).toString('hex');

const unprocessable = (field: string, message: string) => new DomainError('unprocessable', `${field} ${message}`, 'validation_failed', { [field]: [message] });

function checkWebhookUrl(url: string, allowPrivate: boolean): void {
  const problem = webhookUrlProblem(url, allowPrivate);
  if (problem) throw unprocessable('webhookUrl', problem);
}

/** `authorization` is what the authType header carries; `no_auth` keeps none. */
function authorizationFor(authType: AuthType, authorization: string | null | undefined): string | null {
  if (authType === 'no_auth') return null;
  if (!authorization) throw unprocessable('authorization', `is required when authType is ${authType}`);
  return authorization;
}

/** The project's one integration (a webhook subscription of the `jelou` dialect), or null. */
async function findIntegration(ctx: Ctx, workspaceId: string): Promise<WebhookSubscription | null> {
  return (await listSubscriptions(ctx, workspaceId, JELOU_DIALECT))[0] ?? null;
}

async function requireIntegration(ctx: Ctx, workspaceId: string): Promise<WebhookSubscription> {
  const found = await findIntegration(ctx, workspaceId);
  if (!found) throw new DomainError('not_found', `No integration in project ${workspaceId}`, 'integration_not_found');
  return found;
}

export async function integrationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { ctx, config } = app;

  app.post(
    '/:projectId',
    {
      schema: {
        operationId: 'jelouCreateIntegration',
        summary: "Create the project's integration; its signingSecret is returned here only",
        params: ProjectParams,
        body: Type.Object({
          webhookUrl: WebhookUrl,
          authType: Type.Optional(Type.Enum([...AUTH_TYPES], { default: 'no_auth' })),
          authorization: Type.Optional(Nullable(Authorization)),
        }),
        response: { 200: Success(IntegrationWithSecret), ...errors(409) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const { webhookUrl, authType = 'no_auth', authorization } = request.body;
      checkWebhookUrl(webhookUrl, config.allowPrivateWebhooks);
      const auth = authorizationFor(authType, authorization);
      const created = await createSoleSubscription(
        ctx,
        ws,
        { dialect: JELOU_DIALECT, name: 'Jelou integration', url: webhookUrl, events: [], secret: newSigningSecret(), authType, authorization: auth },
        () => new DomainError('conflict', `Project ${ws} already has an integration; update or delete it`, 'integration_already_exists'),
      );
      return success('Integration created successfully', { ...presentIntegration(created), signingSecret: created.secret });
    },
  );

  app.get(
    '/:projectId',
    {
      schema: {
        operationId: 'jelouGetIntegration',
        summary: "The project's integration (never its signingSecret or authorization)",
        params: ProjectParams,
        response: { 200: Success(Integration), ...errors(404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(ctx, request.principal!.workspaceId);
      return success('Integration retrieved successfully', presentIntegration(integration));
    },
  );

  app.patch(
    '/:projectId',
    {
      schema: {
        operationId: 'jelouUpdateIntegration',
        summary: 'Update the integration; `rotateSecret: true` issues a new signingSecret, returned once',
        params: ProjectParams,
        body: Type.Object({
          webhookUrl: Type.Optional(WebhookUrl),
          authType: Type.Optional(Type.Enum([...AUTH_TYPES])),
          authorization: Type.Optional(Nullable(Authorization)),
          rotateSecret: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Success(IntegrationMaybeSecret), ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const b = request.body;
      const current = await requireIntegration(ctx, ws);
      if (b.webhookUrl !== undefined) checkWebhookUrl(b.webhookUrl, config.allowPrivateWebhooks);
      const authType = b.authType ?? authTypeOf(current);
      const authorization = authorizationFor(authType, b.authorization !== undefined ? b.authorization : current.authorization);
      const secret = b.rotateSecret === true ? newSigningSecret() : undefined;
      const updated = await updateSubscription(ctx, ws, current.id, JELOU_DIALECT, { url: b.webhookUrl, authType, authorization, secret });
      return success('Integration updated successfully', presentIntegration(updated, secret));
    },
  );

  app.delete(
    '/:projectId',
    {
      schema: {
        operationId: 'jelouDeleteIntegration',
        summary: 'Delete the integration; deliveries still pending to it are cancelled',
        params: ProjectParams,
        response: { 200: SuccessWithoutData, ...errors(404) },
      },
    },
    async (request) => {
      const ws = request.principal!.workspaceId;
      const integration = await requireIntegration(ctx, ws);
      await deleteSubscription(ctx, ws, integration.id, JELOU_DIALECT);
      return { message: ['Integration deleted successfully'], statusMessage: 'success', status: 1 };
    },
  );
}
