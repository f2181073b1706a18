import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { login } from '../../../domain/logins.ts';
import { acceptInvitation, describeInvitation } from '../../../domain/invitations.ts';
import { changeOwnPassword } from '../../../domain/account.ts';
import { MIN_PASSWORD_LENGTH } from '../../../domain/passwords.ts';
import { revokeSession } from '../../../domain/sessions.ts';
import { getUser } from '../../../domain/resources/users.ts';
import { findWorkspace } from '../../../domain/workspaces.ts';
import { HttpError } from '../../../http/problem.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../../http/session-cookie.ts';
import { requireSameOrigin } from '../access.ts';
import { errors, isoRequired, Timestamp } from '../schemas.ts';
import { UserShape, presentUser } from '../resources/users.ts';
import { Deleted } from '../resources/paging.ts';

const tags = ['auth'];
export const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, description: `At least ${MIN_PASSWORD_LENGTH} characters` });
const SignedIn = Type.Object({ user: UserShape, workspace: Type.Object({ id: Type.String(), name: Type.String() }) });
// Invitation tokens are 32 random bytes in base64url.
const InviteParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) });
const BAD_LOGIN = 'Wrong e-mail or password';
const InvitationShape = Type.Object({
  user: Type.Object({ name: Type.String(), email: Type.String() }),
  workspace: Type.Object({ id: Type.String(), name: Type.String() }),
  expiresAt: Timestamp,
});
const throttled = (retryAfterSeconds: number) =>
  new HttpError(429, `Too many failed sign-ins for this e-mail; retry in ${retryAfterSeconds} s`, 'login_throttled', {}, retryAfterSeconds);

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ctx = app.ctx;

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        operationId: 'login',
        tags,
        summary: 'Sign in with e-mail and password: sets the `conversas_session` cookie (30 days); ten failures for one e-mail in 10 minutes → 429',
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: {
          200: SignedIn,
          ...errors([401, BAD_LOGIN], [429, 'Too many failed sign-ins for this e-mail (or from this address); retry after Retry-After']),
        },
      },
    },
    async (request, reply) => {
      await app.rateLimits.refuseBlockedAddress(request);
      const result = await login(ctx, request.body.email, request.body.password);
      if (!result.ok && result.reason === 'throttled') throw throttled(result.retryAfterSeconds);
      if (!result.ok) {
        await app.rateLimits.countFailure(request);
        throw new HttpError(401, BAD_LOGIN, 'invalid_login');
      }
      setSessionCookie(reply, app.config.publicUrl, result.token, result.expiresAt);
      return { user: presentUser(result.user), workspace: result.workspace };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: {
        operationId: 'logout',
        tags,
        summary: 'Sign out: the session is revoked (in every process) and the cookie cleared; without a session it only clears the cookie',
        response: { 204: Deleted, ...errors(403) },
      },
    },
    async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token !== null) {
        requireSameOrigin(request, app.config.publicUrl);
        await revokeSession(ctx.db, token);
      }
      clearSessionCookie(reply, app.config.publicUrl);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: { operationId: 'getSignedInUser', tags, summary: 'The signed-in user and their workspace (401 without a session)', response: { 200: SignedIn } },
    },
    async (request) => {
      const { workspaceId, userId } = request.principal!;
      if (userId === null) throw new HttpError(401, 'An API key is not a user: GET /auth/me needs the session cookie', 'no_session');
      const [user, workspace] = await Promise.all([getUser(ctx, workspaceId, userId), findWorkspace(ctx.db, workspaceId)]);
      return { user: presentUser(user), workspace: { id: workspaceId, name: workspace?.name ?? '' } };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        operationId: 'changeOwnPassword',
        tags,
        summary:
          "The signed-in user changes their own password (session cookie only). A wrong `currentPassword` → 400 `wrong_password` and counts as a failed sign-in (ten in 10 minutes → 429). The user's other sessions end; this one stays",
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Password }, { additionalProperties: false }),
        response: {
          204: Deleted,
          ...errors(
            [400, 'Validation failed, or `wrong_password`: the current password is not right'],
            [401, 'No session: an API key is not a user'],
            [429, 'Too many failed sign-ins for this e-mail (or from this address); retry after Retry-After'],
          ),
        },
      },
    },
    async (request, reply) => {
      const { workspaceId, userId } = request.principal!;
      const token = sessionTokenOf(request);
      if (userId === null || token === null) throw new HttpError(401, 'An API key is not a user: changing a password needs the session cookie', 'no_session');
      await app.rateLimits.refuseBlockedAddress(request);
      const result = await changeOwnPassword(ctx, workspaceId, userId, token, request.body.currentPassword, request.body.newPassword);
      if (!result.ok && result.reason === 'throttled') throw throttled(result.retryAfterSeconds);
      if (!result.ok) {
        await app.rateLimits.countFailure(request);
        throw new HttpError(400, 'The current password is not right', 'wrong_password', { currentPassword: ['is not your current password'] });
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/invite/:token',
    {
      config: { public: true },
      schema: {
        operationId: 'getInvitation',
        tags,
        summary: 'Whose invitation this is and for which workspace, before a password is chosen (the invitation page shows it)',
        params: InviteParams,
        response: { 200: InvitationShape, ...errors([404, 'The invitation is unknown, used or expired']) },
      },
    },
    async (request) => {
      const invitation = await describeInvitation(ctx, request.params.token);
      return { ...invitation, expiresAt: isoRequired(invitation.expiresAt) };
    },
  );

  app.post(
    '/auth/invite/:token',
    {
      config: { public: true },
      schema: {
        operationId: 'acceptInvitation',
        tags,
        summary:
          "Choose a password with an invitation (from `POST /users/{id}/invite`); it works once, for 7 days. The user's other sessions end and this answer signs them in (sets the `conversas_session` cookie, like `POST /auth/login`)",
        params: InviteParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 200: SignedIn, ...errors([404, 'The invitation is unknown, used or expired']) },
      },
    },
    async (request, reply) => {
      const result = await acceptInvitation(ctx, request.params.token, request.body.password);
      setSessionCookie(reply, app.config.publicUrl, result.token, result.expiresAt);
      return { user: presentUser(result.user), workspace: result.workspace };
    },
  );
}
