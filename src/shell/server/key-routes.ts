import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { type KeyRing, roles } from './api-keys.ts';

const newKey = Type.Object(
  {
    role: Type.Union(roles.map((role) => Type.Literal(role))),
    accounts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1_000 }),
    ),
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** An admin's routes: keys created (the secret shown once), listed (never a secret), revoked. */
export function registerKeyRoutes(app: FastifyInstance, keys: KeyRing, now: () => Date): void {
  const admin = { config: { roles: ['admin'] as const } };
  app.get(
    '/v1/keys',
    {
      ...admin,
      schema: {
        summary: 'The API keys, without their secrets',
        tags: ['keys'],
        security: [{ apiKey: [] }],
      },
    },
    async () => ({
      keys: keys.list().map(({ hash: _hash, ...key }) => key),
    }),
  );

  app.post<{ Body: { role: (typeof roles)[number]; accounts?: string[]; label?: string } }>(
    '/v1/keys',
    {
      ...admin,
      schema: {
        summary: 'Create a key: its secret is in this answer only',
        tags: ['keys'],
        body: newKey,
        security: [{ apiKey: [] }],
      },
    },
    async (request, reply) => {
      const { role, accounts = [], label = '' } = request.body;
      if (role === 'trader' && accounts.length === 0) {
        throw new ApiError(
          400,
          'bad_input',
          'accounts: a trader key names the accounts it may act on',
          'accounts',
        );
      }
      if (role !== 'trader' && accounts.length > 0) {
        throw new ApiError(
          400,
          'bad_input',
          `accounts: only a trader key is limited to accounts (a ${role} sees all)`,
          'accounts',
        );
      }
      const { key, stored } = keys.create(role, accounts, label, now());
      const { hash: _hash, ...shown } = stored;
      return reply.code(201).send({ key, ...shown });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/keys/:id',
    {
      ...admin,
      schema: {
        summary: 'Revoke a key: refused from now on',
        tags: ['keys'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        security: [{ apiKey: [] }],
      },
    },
    async (request) => {
      if (!keys.revoke(request.params.id, now())) {
        throw new ApiError(404, 'key_not_found', `no key ${request.params.id}`, 'id');
      }
      return { id: request.params.id, revoked: true };
    },
  );
}
