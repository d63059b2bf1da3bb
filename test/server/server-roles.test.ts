import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/shell/server/api-keys.ts';
import { commandRoutes } from '../../src/shell/server/command-paths.ts';
import { testServer } from './server-kit.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

/**
 * Who may call what, written out as the issue states it rather than read from the route table:
 * a trader acts on and reads its own accounts; an operator feeds the venue's flows; a risk
 * viewer reads and checks, and acts on nothing; an admin manages keys.
 */
const allowed: Record<string, readonly Role[]> = {
  'POST /v1/accounts': ['operator'],
  'POST /v1/deposits': ['operator'],
  'POST /v1/withdrawals': ['trader', 'operator'],
  'POST /v1/transfers': ['trader', 'operator'],
  'POST /v1/collateral-moves': ['trader', 'operator'],
  'POST /v1/collateral-moves/settle': ['operator'],
  'POST /v1/isolated-margin': ['trader', 'operator'],
  'POST /v1/leverage': ['trader'],
  'POST /v1/margin-mode': ['trader'],
  'POST /v1/orders': ['trader', 'operator'],
  'POST /v1/orders/amend': ['trader', 'operator'],
  'POST /v1/orders/cancel': ['trader', 'operator'],
  'POST /v1/pre-trade-checks': ['trader', 'operator', 'risk_viewer'],
  'POST /v1/fills': ['operator'],
  'POST /v1/prices': ['operator'],
  'POST /v1/volatility-surfaces': ['operator'],
  'POST /v1/funding': ['operator'],
  'POST /v1/settlements': ['operator'],
  'POST /v1/liquidations/unfilled': ['operator'],
  'POST /v1/instruments/halt': ['operator'],
  'POST /v1/instruments/resume': ['operator'],
  'GET /v1/accounts/alice': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts/alice/positions': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts/alice/balances': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts/alice/events': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts/alice/limits': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts/alice/compare': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/accounts': ['trader', 'operator', 'risk_viewer'],
  'GET /v1/status': ['trader', 'operator', 'risk_viewer', 'admin'],
  'GET /v1/liquidations': ['operator', 'risk_viewer'],
  'GET /v1/keys': ['admin'],
  'POST /v1/keys': ['admin'],
  'DELETE /v1/keys/nokey': ['admin'],
};

const roles: readonly Role[] = ['trader', 'operator', 'risk_viewer', 'admin'];

/** A whole body of each trader route, on `account` (a transfer from it, to alice). */
function traderBody(route: string, account: string): object {
  const order = { instrument: 'BTCUSDT', side: 'buy', size: '0.01', price: '90000' };
  const bodies: Record<string, object> = {
    'POST /v1/withdrawals': { asset: 'USDT', amount: '1' },
    'POST /v1/transfers': { from: account, to: 'alice', asset: 'USDT', amount: '1' },
    'POST /v1/collateral-moves': { asset: 'USDT', amount: '1', from: 'venue', to: 'cold' },
    'POST /v1/isolated-margin': { instrument: 'BTCUSDT', amount: '1' },
    'POST /v1/leverage': { instrument: 'BTCUSDT', leverage: '10' },
    'POST /v1/margin-mode': { instrument: 'BTCUSDT', marginMode: 'isolated' },
    'POST /v1/orders': { orderId: 'o', ...order },
    'POST /v1/orders/amend': { orderId: 'o', size: '0.01', price: '90000' },
    'POST /v1/orders/cancel': { orderId: 'o' },
    'POST /v1/pre-trade-checks': order,
  };
  const body = bodies[route] ?? {};
  return route === 'POST /v1/transfers' ? { id: 'x', ...body } : { id: 'x', account, ...body };
}

async function call(
  t: Server,
  route: string,
  role: Role | 'other_trader',
  body: object = { id: 'x', account: 'alice' },
) {
  const [method, url] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
  return t.app.inject({
    method,
    url: url!,
    headers: { authorization: `Bearer ${t.keys[role]}` },
    ...(method === 'POST' ? { payload: body } : {}),
  });
}

describe('the role × route matrix', () => {
  it('lists every command route', () => {
    for (const route of commandRoutes)
      expect(allowed[`POST ${route.path}`], route.path).toBeDefined();
  });

  it.each(Object.keys(allowed))(
    '%s: only its roles pass, every other is 403 role_forbidden',
    async (route) => {
      const t = await testServer();
      for (const role of roles) {
        const response = await call(t, route, role);
        const code = response.statusCode === 403 ? response.json().error.code : undefined;
        expect(response.statusCode, `${role} on ${route}`).not.toBe(401);
        if (allowed[route]!.includes(role)) expect(code, `${role} on ${route}`).toBeUndefined();
        else expect(code, `${role} on ${route}`).toBe('role_forbidden');
      }
    },
  );

  it.each(
    Object.keys(allowed).filter(
      (route) =>
        allowed[route]!.includes('trader') &&
        route !== 'GET /v1/status' &&
        route !== 'GET /v1/accounts',
    ),
  )("%s: another trader's account is 403 account_forbidden", async (route) => {
    const t = await testServer();
    const hash = t.hash();
    // The other trader's key, on alice; and the trader's, on carol.
    const onAlice = await call(t, route, 'other_trader', traderBody(route, 'alice'));
    expect(onAlice.statusCode, onAlice.body).toBe(403);
    expect(onAlice.json().error.code).toBe('account_forbidden');
    const carol = route.replace('/alice', '/carol');
    const onCarol = await call(t, carol, 'trader', traderBody(route, 'carol'));
    expect(onCarol.statusCode, onCarol.body).toBe(403);
    expect(onCarol.json().error.code).toBe('account_forbidden');
    expect(t.hash()).toBe(hash);
  });
});
