import type { FastifyRequest } from 'fastify';
import type { EngineLine } from '../import/command-file.ts';
import { ApiError } from './api-error.ts';
import type { Caller, KeyRing, Role } from './api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    /** The roles that may call the route; absent: a public route (health, docs, metrics). */
    roles?: readonly Role[];
    /** A command route's command type: what its metrics count under. */
    command?: string;
  }
}

/**
 * The key on the request (`Authorization: Bearer KEY` or `X-Api-Key: KEY`) checked against the
 * ring, then the route's roles: 401 for no key or one that is not valid (unknown, wrong, revoked:
 * the same answer, so a caller learns nothing of which), 403 for a role the route does not allow.
 */
export function authorize(request: FastifyRequest, keys: KeyRing): void {
  const allowed = request.routeOptions.config.roles;
  if (allowed === undefined) return;
  const header = request.headers.authorization;
  const presented =
    typeof header === 'string' && header.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : request.headers['x-api-key'];
  if (typeof presented !== 'string' || presented === '') {
    throw new ApiError(401, 'key_missing', 'an API key is required: Authorization: Bearer KEY');
  }
  const caller = keys.verify(presented);
  if (caller === undefined) throw new ApiError(401, 'key_invalid', 'the API key is not valid');
  request.caller = caller;
  if (!allowed.includes(caller.role)) {
    throw new ApiError(403, 'role_forbidden', `a ${caller.role} key may not call this route`);
  }
}

/** A trader may name only its own accounts; every other role the route allows may name any. */
export function mayRead(request: FastifyRequest, account: string): void {
  const caller = request.caller;
  if (caller?.role === 'trader' && !caller.accounts.has(account)) {
    throw new ApiError(
      403,
      'account_forbidden',
      `this key may not act on or read account ${account}`,
      'account',
    );
  }
}

/** Each account a command names, for a trader's key: a transfer's both sides. */
export function mayTouch(request: FastifyRequest, command: EngineLine): void {
  if (request.caller?.role !== 'trader') return;
  switch (command.type) {
    case 'transfer':
      for (const [field, account] of [
        ['from', command.from],
        ['to', command.to],
      ] as const) {
        if (!request.caller.accounts.has(account)) {
          throw new ApiError(
            403,
            'account_forbidden',
            `this key may not act on account ${account}`,
            field,
          );
        }
      }
      return;
    default:
      if ('account' in command) mayRead(request, command.account);
  }
}
