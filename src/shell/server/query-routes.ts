import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { contractPriced } from '../../core/engine/prices-held.ts';
import { withProfitAtMost } from '../../core/engine/withdrawal-rule.ts';
import { insuranceFund } from '../../core/ledger/house-accounts.ts';
import { homeLocation, splitHoldingKey } from '../../core/ledger/location.ts';
import { compareModes } from '../../core/margin/compare.ts';
import { maxOrderSize, maxWithdrawal } from '../../core/margin/what-if.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { toJsonLine } from '../cli/figures.ts';
import { ApiError } from './api-error.ts';
import type { Role } from './api-keys.ts';
import type { EngineService } from './engine-service.ts';
import { mayRead } from './route-access.ts';

const readers: readonly Role[] = ['trader', 'operator', 'risk_viewer'];

/** Accounts one page of the list may hold; events one page of an account's log. */
export const pageMax = 500;

const accountParams = Type.Object({ account: Type.String({ minLength: 1, maxLength: 200 }) });
const paging = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    from: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
  },
  { additionalProperties: false },
);

interface Paging {
  readonly limit?: string;
  readonly after?: string;
  readonly from?: string;
}

export function registerQueryRoutes(app: FastifyInstance, service: () => EngineService): void {
  /** A read of one account: a trader's own only, the engine ready, the account's id given. */
  const accountRoute = (
    path: string,
    summary: string,
    read: (engine: EngineService, account: string, reply: FastifyReply, query: Paging) => unknown,
    paged = false,
  ) =>
    app.get<{ Params: { account: string }; Querystring: Paging }>(
      `/v1/accounts/:account${path}`,
      {
        schema: {
          summary,
          tags: ['accounts'],
          params: accountParams,
          ...(paged ? { querystring: paging } : {}),
          security: [{ apiKey: [] }],
        },
        config: { roles: readers },
      },
      async (request, reply) => {
        mayRead(request, request.params.account);
        return read(service(), request.params.account, reply, request.query);
      },
    );

  accountRoute(
    '',
    'The account’s risk report, exact, as `xmargin margin --json` gives it',
    (engine, id, reply) =>
      figures(reply, { sequence: engine.sequence }, { report: engine.report(id) }),
  );

  accountRoute('/positions', 'The account’s positions as the ledger holds them', (engine, id) => {
    const account = engine.account(id);
    return {
      sequence: engine.sequence,
      positions: account.positions,
      openOrders: account.openOrders,
    };
  });

  accountRoute('/balances', 'The account’s balances by asset and by place', (engine, id) => {
    const account = engine.account(id);
    const { ledger } = engine.host;
    const places: Record<string, Record<string, bigint>> = {
      [homeLocation]: Object.fromEntries(account.balances),
    };
    for (const [key, held] of ledger.holdings) {
      const [owner, place] = splitHoldingKey(key);
      if (owner === account.id) places[place] = Object.fromEntries(held);
    }
    const pending = [...ledger.pendingMoves].filter(([, move]) => move.account === account.id);
    return {
      sequence: engine.sequence,
      places,
      pending: pending.map(([move, pendingMove]) => ({ id: move, ...pendingMove })),
    };
  });

  accountRoute(
    '/events',
    'The account’s events, in log order, from a sequence number on (`from`, `limit`)',
    (engine, id, _reply, query) => {
      engine.account(id);
      return engine.eventsOf(id, Math.max(Number(query.from ?? '1'), 1), limitOf(query.limit));
    },
    true,
  );

  accountRoute(
    '/limits',
    'What the account may still do: the largest withdrawal of each asset the engine allows, ' +
      'the largest order each side of each instrument at its mark',
    (engine, id, reply) => {
      const { account, prices } = engine.margined(id);
      const { venue, withdrawableProfitShare } = engine.host.settings;
      const rules = withProfitAtMost(venue, withdrawableProfitShare);
      const withdrawals = Object.fromEntries(
        [...account.balances.keys()]
          .sort()
          .map((asset) => [asset, maxWithdrawal(account, rules, prices, asset)]),
      );
      const { ledger } = engine.host;
      const nowMs = engine.host.timeMs();
      // Those the account may trade now: priced, not halted, not past expiry.
      const tradable = (i: Instrument) =>
        contractPriced(ledger, i, nowMs) &&
        !ledger.halted.has(i.id) &&
        (i.expiryMs === undefined || i.expiryMs > nowMs);
      const orders = Object.fromEntries(
        [...venue.instruments.values()].filter(tradable).map((i) => {
          const mark = ledger.markPrices.get(i.id)!;
          const most = (side: 'buy' | 'sell') =>
            maxOrderSize(account, venue, prices, i.id, side, mark);
          return [i.id, { buy: most('buy'), sell: most('sell') }];
        }),
      );
      return figures(
        reply,
        { sequence: engine.sequence },
        { maxWithdrawal: withdrawals, maxOrder: orders },
      );
    },
  );

  accountRoute(
    '/compare',
    'The account’s book as all-isolated, as cross and as portfolio margin',
    (engine, id, reply) => {
      const { account, prices } = engine.margined(id);
      const comparison = compareModes(account, engine.host.settings.venue, prices, {
        jointMoves: false,
      });
      return figures(reply, { sequence: engine.sequence }, { comparison });
    },
  );

  app.get<{ Querystring: { limit?: string; after?: string } }>(
    '/v1/accounts',
    {
      schema: {
        summary:
          'Accounts riskiest first (the worse margin state, then the higher margin ratio), a page at a time (`after`: the last id seen)',
        tags: ['accounts'],
        querystring: paging,
        security: [{ apiKey: [] }],
      },
      config: { roles: readers },
    },
    async (request, reply) => {
      const engine = service();
      const caller = request.caller!;
      const all = engine
        .accountsByRisk()
        .filter((row) => caller.role !== 'trader' || caller.accounts.has(row.account));
      const start =
        request.query.after === undefined
          ? 0
          : all.findIndex((row) => row.account === request.query.after) + 1;
      if (request.query.after !== undefined && start === 0) {
        throw new ApiError(
          400,
          'bad_input',
          `after: no account ${request.query.after} in the list`,
          'after',
        );
      }
      const limit = limitOf(request.query.limit);
      const page = all.slice(start, start + limit);
      const more = start + limit < all.length;
      return figures(
        reply,
        { sequence: engine.sequence, total: all.length },
        {
          accounts: page,
          ...(more ? { after: page.at(-1)!.account } : {}),
        },
      );
    },
  );

  app.get(
    '/v1/liquidations',
    {
      schema: {
        summary:
          'Liquidation orders outstanding, for the venue’s matching engine (their fills come back as fills naming them), and the insurance fund',
        tags: ['engine'],
        security: [{ apiKey: [] }],
      },
      config: { roles: ['operator', 'risk_viewer'] },
    },
    async (_request, reply) => {
      const engine = service();
      const { ledger } = engine.host;
      const orders = [...ledger.liquidations.values()];
      const fund = ledger.house.get(insuranceFund) ?? new Map();
      return figures(
        reply,
        { sequence: engine.sequence, total: orders.length },
        { orders, insuranceFund: Object.fromEntries(fund) },
      );
    },
  );

  app.get(
    '/v1/status',
    {
      schema: {
        summary: 'The engine: log length, accounts by state, state hash',
        tags: ['engine'],
        security: [{ apiKey: [] }],
      },
      config: { roles: ['trader', 'operator', 'risk_viewer', 'admin'] },
    },
    async () => service().status(),
  );
}

function limitOf(given: string | undefined): number {
  if (given === undefined) return 100;
  const limit = Number(given);
  if (limit < 1 || limit > pageMax) {
    throw new ApiError(400, 'bad_input', `limit: must be 1 to ${pageMax} (got ${given})`, 'limit');
  }
  return limit;
}

/**
 * The body as the CLI's --json writes figures (amounts exact, floats as plain decimals), after
 * `head`'s counts as numbers: the sequence number the figures reflect, a list's length.
 */
function figures(
  reply: FastifyReply,
  head: Record<string, number>,
  value: Record<string, unknown>,
) {
  const counts = JSON.stringify(head).slice(0, -1);
  return reply
    .type('application/json; charset=utf-8')
    .send(`${counts},${toJsonLine(value).slice(1)}`);
}
