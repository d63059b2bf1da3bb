import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { decimalsForBigints } from '../store/ledger-codec.ts';
import { ApiError } from './api-error.ts';
import type { KeyRing } from './api-keys.ts';
import { registerCommandRoutes } from './command-routes.ts';
import { type EngineService, noAccounts } from './engine-service.ts';
import { readJsonBody } from './json-body.ts';
import { registerKeyRoutes } from './key-routes.ts';
import { ServerMetrics } from './metrics.ts';
import { registerQueryRoutes } from './query-routes.ts';
import { authorize } from './route-access.ts';
import { registerStreams } from './streams.ts';

export interface ServerOptions {
  readonly keys: KeyRing;
  /** pino's options, or false for none (the tests). */
  readonly logger?: boolean | { readonly level: string };
  /** The largest body, in bytes: 1 MiB unless given (a batch of 1,000 fills is about 400 KiB). */
  readonly bodyLimit?: number;
  /** Requests per key per minute, for every role but the operator's feed: 6,000 unless given. */
  readonly rateLimitPerMinute?: number;
  readonly now?: () => Date;
  /** Bytes a stream client may leave unread before it is dropped (streams.ts). */
  readonly streamBufferBytes?: number;
}

/** The server around an engine that may still be recovering: `attach` makes it ready. */
export interface RiskServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  attach(service: EngineService): void;
  /** Undefined until attached: the routes that need it answer 503 meanwhile. */
  readonly service: EngineService | undefined;
}

export const bodyLimitDefault = 1024 * 1024;

/**
 * xmargin as a venue's risk service over HTTP (fastify): a route for every engine command and
 * every read, each behind an API key with a role (route-access.ts), every body checked twice at
 * the boundary (its shape by the route's JSON Schema, its meaning by the command reader) before
 * the engine sees it, one error body and one status map (api-error.ts), the OpenAPI document at
 * `/openapi.json` and its page at `/docs`, Prometheus metrics at `/metrics`, `/health` and `/ready`
 * (ready once the log is replayed).
 */
export async function buildServer(options: ServerOptions): Promise<RiskServer> {
  const bodyLimit = options.bodyLimit ?? bodyLimitDefault;
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    requestIdHeader: 'x-request-id',
    // Shape is checked as sent: no coercion, no field silently dropped, no default filled in.
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
      },
    },
  });
  const metrics = new ServerMetrics();
  let attached: EngineService | undefined;
  const service = (): EngineService => {
    if (attached === undefined)
      throw new ApiError(503, 'recovering', 'the engine is replaying its log: try again shortly');
    return attached;
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (_request, body, done) => {
      try {
        done(null, readJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.setReplySerializer((payload) => JSON.stringify(payload, decimalsForBigints));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = errorOf(error);
    // A command refused before the engine saw it: bad input, or a key or rate that does not let it.
    const command = request.routeOptions.config.command;
    if (command !== undefined) {
      const outcome =
        answer.status === 401 || answer.status === 403 || answer.status === 429
          ? 'refused'
          : answer.status >= 500
            ? 'error'
            : 'bad_input';
      metrics.commands.inc({ type: command, outcome });
    }
    if (answer.status >= 500 && answer.code !== 'recovering') request.log.error(error);
    return reply.code(answer.status).send(answer.body());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        new ApiError(
          404,
          'route_not_found',
          `no route ${request.method} ${request.url.split('?')[0]}`,
        ).body(),
      ),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'xmargin',
        version: '0.1.0',
        description: 'Cross-margining risk engine: commands, reads, streams',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (request) => {
    // A stream checks its key itself, once open (streams.ts).
    if (request.routeOptions.config.roles === undefined || request.headers.upgrade === 'websocket')
      return;
    authorize(request, options.keys);
    service();
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'preValidation',
    max: options.rateLimitPerMinute ?? 6_000,
    timeWindow: 60_000,
    keyGenerator: (request) => request.caller?.keyId ?? request.ip,
    // The venue's own feeds (fills, prices) must never be throttled by traders' limits.
    allowList: (request) =>
      request.caller?.role === 'operator' || request.routeOptions.config.roles === undefined,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `over ${context.max} requests a minute for this key: retry after ${context.after}`,
      ),
  });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) =>
    attached === undefined
      ? reply
          .code(503)
          .send(new ApiError(503, 'recovering', 'the engine is replaying its log').body())
      : { ready: true, sequence: attached.sequence },
  );
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerStreams(app, options.keys, service, metrics, options.streamBufferBytes);
  registerCommandRoutes(app, service, metrics);
  registerQueryRoutes(app, service);
  registerKeyRoutes(app, options.keys, now);

  metrics.countAccounts(() => attached?.marginStates() ?? noAccounts);
  metrics.watchLiquidations(() => attached?.host.ledger);
  metrics.watchIndexes(() => attached?.host.ledger);
  return {
    app,
    metrics,
    attach(engine) {
      attached = engine;
      engine.listen((change) => {
        metrics.countLiquidations(change.events);
        metrics.countExclusions(change.events);
      });
    },
    get service() {
      return attached;
    },
  };
}

/** Any error a route or fastify raises as the one error body, with its status. */
function errorOf(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation !== undefined && error.validation.length > 0) {
    const first = error.validation[0]!;
    const base = pathOf(first.instancePath);
    const params = first.params as Record<string, unknown>;
    const key = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const field = key === undefined ? base : base === '(root)' ? key : `${base}.${key}`;
    const message =
      first.keyword === 'additionalProperties'
        ? 'unknown field'
        : first.keyword === 'required'
          ? 'is required'
          : (first.message ?? 'is not valid');
    const part =
      error.validationContext === 'body' || error.validationContext === undefined
        ? ''
        : `${error.validationContext} `;
    return new ApiError(400, 'bad_input', `${part}${field}: ${message}`, field);
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return new ApiError(413, 'body_too_large', error.message, '(root)');
  if (status === 415)
    return new ApiError(
      415,
      'unsupported_media_type',
      'send the body as application/json',
      '(root)',
    );
  if (status === 400) return new ApiError(400, 'bad_input', error.message, '(root)');
  if (status < 500)
    return new ApiError(status, (error.code ?? 'error').toLowerCase(), error.message);
  return new ApiError(500, 'internal', 'an internal error: the request id names it in the log');
}

/** `/items/0/taker` as the reader names fields: `items[0].taker`. */
function pathOf(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) =>
        /^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`,
      '',
    );
}
