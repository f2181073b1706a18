import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

// Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify)
// before it listens: about 600 ms of a 2.3-s start to ready (bench/results/2026-12-01-startup.md),
// downtime after every restart. Compiled on a route's first request instead, each costs that request
// a few milliseconds. A schema that cannot compile fails its route's requests instead of the start.

type FastifyValidator = ReturnType<FastifySchemaCompiler<unknown>>;
/** An Ajv validator: Fastify passes it a context (to coerce the root value) when it has a `schemaEnv`. */
type Validator = ((data: unknown, context?: unknown) => ReturnType<FastifyValidator>) & Pick<FastifyValidator, 'errors'> & { schemaEnv?: unknown };

/** `compile`, deferred to each validator's first call. Fastify also reads `schemaEnv` and `errors` off a validator: both are passed through. */
export function validatorsOnFirstUse<T>(compile: FastifySchemaCompiler<T>): FastifySchemaCompiler<T> {
  return (route) => {
    let compiled: Validator | undefined;
    const validator = () => (compiled ??= compile(route) as Validator);
    const validate: Validator = (data, context) => validator()(data, context);
    Object.defineProperties(validate, {
      errors: { get: () => validator().errors },
      schemaEnv: { get: () => validator().schemaEnv },
    });
    return validate;
  };
}

/** Fastify's own serializer factory, whose serializers compile on their first use. */
export const serializersOnFirstUse: NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']> = {
  buildSerializer: (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data) => {
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  },
};
