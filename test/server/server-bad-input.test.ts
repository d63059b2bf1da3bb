import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyName } from './server-kit.ts';
import { serverAfter, type testServer } from './server-kit.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

/** The first 22 lines of examples/engine/day.jsonl (accounts, collateral, prices, alice's fill). */
async function tradedServer(): Promise<Server> {
  const t = await serverAfter('examples/engine/day.jsonl', 22);
  t.at(Date.UTC(2026, 11, 24, 1));
  return t;
}

const deposit = { id: 'bad-deposit', account: 'alice', asset: 'USDT', amount: '10' };
const withdraw = { id: 'bad-withdraw', account: 'alice', asset: 'USDT', amount: '10' };
const fill = {
  id: 'bad-fill',
  instrument: 'BTCUSDT',
  takerSide: 'buy',
  size: '0.1',
  price: '95020',
  taker: { account: 'carol', feeRate: '0.0005' },
  maker: { account: 'mm', feeRate: '0.0002' },
};
const fills = (...items: object[]) => ({ items });
const order = (instrument: string) => ({
  id: 'o',
  account: 'alice',
  orderId: 'x',
  instrument,
  side: 'buy',
  size: '1',
  price: '1',
});

interface Case {
  readonly name: string;
  readonly url: string;
  /** An object sent as JSON, or the raw body. */
  readonly body: object | string | Buffer;
  readonly key?: KeyName;
  readonly contentType?: string;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
}

const amount = (value: unknown): object => ({ ...deposit, amount: value });

/** SCENARIOS.md C2, each item that reaches an API: the status, the stable code, the field. */
const cases: readonly Case[] = [
  // Numbers
  {
    name: 'a JSON number for an amount',
    url: '/v1/deposits',
    body: amount(10),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  ...[
    'NaN',
    'Infinity',
    '-Infinity',
    '1e5',
    '0x10',
    '+5',
    ' 5',
    '5 ',
    '5,0',
    '٥',
    '',
    '1e308',
    '1e-400',
  ].map(
    (value): Case => ({
      name: `amount "${value}"`,
      url: '/v1/deposits',
      body: amount(value),
      status: 400,
      code: 'bad_input',
      field: 'amount',
    }),
  ),
  {
    name: 'amount null',
    url: '/v1/deposits',
    body: amount(null),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'amount "-0"',
    url: '/v1/deposits',
    body: amount('-0'),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'a zero amount',
    url: '/v1/deposits',
    body: amount('0'),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'a negative amount',
    url: '/v1/deposits',
    body: amount('-10'),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'more decimals than 18',
    url: '/v1/deposits',
    body: amount('1.0000000000000000001'),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'past the amount limit',
    url: '/v1/deposits',
    body: amount('340282366920938463463374607431768211456'),
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'a negative fill size',
    url: '/v1/fills',
    body: fills({ ...fill, size: '-0.1' }),
    status: 400,
    code: 'bad_input',
    field: 'items[0].size',
  },
  {
    name: 'a zero fill price',
    url: '/v1/fills',
    body: fills({ ...fill, price: '0' }),
    status: 400,
    code: 'bad_input',
    field: 'items[0].price',
  },
  {
    name: 'a zero leverage',
    url: '/v1/leverage',
    key: 'trader',
    body: { id: 'l', account: 'alice', instrument: 'BTCUSDT', leverage: '0' },
    status: 400,
    code: 'bad_input',
    field: 'leverage',
  },
  {
    name: 'a leverage above the engine’s limit',
    url: '/v1/leverage',
    key: 'trader',
    body: { id: 'l', account: 'alice', instrument: 'BTCUSDT', leverage: '10001' },
    status: 400,
    code: 'bad_input',
    field: 'leverage',
  },
  // Market rules, instruments, accounts
  {
    name: 'a size off the lot',
    url: '/v1/fills',
    body: fills({ ...fill, size: '0.0001' }),
    status: 200,
    code: 'size_off_step',
    field: 'size',
  },
  {
    name: 'an unknown instrument',
    url: '/v1/orders',
    key: 'trader',
    body: order('DOGEUSDT'),
    status: 404,
    code: 'instrument_not_found',
    field: 'instrument',
  },
  {
    name: 'the right symbol in the wrong case',
    url: '/v1/orders',
    key: 'trader',
    body: order('btcusdt'),
    status: 404,
    code: 'instrument_not_found',
    field: 'instrument',
  },
  {
    name: 'an account that does not exist',
    url: '/v1/deposits',
    body: { ...deposit, account: 'nobody' },
    status: 404,
    code: 'account_not_found',
    field: 'account',
  },
  {
    name: 'cancelling an unknown order',
    url: '/v1/orders/cancel',
    key: 'trader',
    body: { id: 'c', account: 'alice', orderId: 'none' },
    status: 404,
    code: 'order_not_found',
    field: 'orderId',
  },
  // Another trader's account
  {
    name: 'a withdrawal from another trader’s account',
    url: '/v1/withdrawals',
    key: 'trader',
    body: { ...withdraw, account: 'carol' },
    status: 403,
    code: 'account_forbidden',
    field: 'account',
  },
  {
    name: 'a transfer to another trader’s account',
    url: '/v1/transfers',
    key: 'trader',
    body: { id: 't', from: 'alice', to: 'carol', asset: 'USDT', amount: '1' },
    status: 403,
    code: 'account_forbidden',
    field: 'to',
  },
  {
    name: 'cancelling another account’s order',
    url: '/v1/orders/cancel',
    key: 'trader',
    body: { id: 'c', account: 'mm', orderId: 'mm-1' },
    status: 403,
    code: 'account_forbidden',
    field: 'account',
  },
  {
    name: 'a pre-trade check on another trader’s account',
    url: '/v1/pre-trade-checks',
    key: 'other_trader',
    body: { id: 'p', account: 'alice', instrument: 'BTCUSDT', side: 'buy', size: '1' },
    status: 403,
    code: 'account_forbidden',
    field: 'account',
  },
  // Duplicates
  {
    name: 'an id reused with another body',
    url: '/v1/deposits',
    body: { id: 'dep-alice-usdt', account: 'alice', asset: 'USDT', amount: '20001' },
    status: 409,
    code: 'command_id_reused',
    field: 'id',
  },
  {
    name: 'a batch with one id twice',
    url: '/v1/fills',
    body: fills(fill, { ...fill, size: '0.2' }),
    status: 400,
    code: 'bad_input',
    field: 'items[1].id',
  },
  // Batches
  {
    name: 'a batch past its maximum',
    url: '/v1/fills',
    body: fills(...Array.from({ length: 1001 }, (_, i) => ({ ...fill, id: `f${i}` }))),
    status: 400,
    code: 'bad_input',
    field: 'items',
  },
  {
    name: 'an empty batch',
    url: '/v1/fills',
    body: fills(),
    status: 400,
    code: 'bad_input',
    field: 'items',
  },
  {
    name: 'a batch mixing valid and invalid items',
    url: '/v1/fills',
    body: fills(fill, { ...fill, id: 'bad-fill-2', price: '1.2.3' }),
    status: 400,
    code: 'bad_input',
    field: 'items[1].price',
  },
  // Transfers and withdrawals
  {
    name: 'a transfer to self',
    url: '/v1/transfers',
    key: 'trader',
    body: { id: 't', from: 'alice', to: 'alice', asset: 'USDT', amount: '1' },
    status: 422,
    code: 'transfer_to_self',
    field: 'to',
  },
  {
    name: 'a withdrawal past free collateral',
    url: '/v1/withdrawals',
    body: { ...withdraw, id: 'too-much', account: 'mm', amount: '499900' },
    status: 422,
    code: 'initial_margin_insufficient',
    field: 'amount',
  },
  // Price ticks
  {
    name: 'a tick out of order',
    url: '/v1/prices',
    body: fills({
      id: 'old',
      feed: 'mark:BTCUSDT',
      sequence: 0,
      timeMs: Date.UTC(2026, 11, 24, 1),
      price: '95000',
    }),
    status: 200,
    code: 'tick_out_of_order',
    field: 'sequence',
  },
  {
    name: 'a tick from the future',
    url: '/v1/prices',
    body: fills({
      id: 'ahead',
      feed: 'mark:BTCUSDT',
      sequence: 9,
      timeMs: Date.UTC(2026, 11, 24, 2),
      price: '95000',
    }),
    status: 200,
    code: 'tick_from_future',
    field: 'timeMs',
  },
  {
    name: 'a negative price',
    url: '/v1/prices',
    body: fills({
      id: 'neg',
      feed: 'mark:BTCUSDT',
      sequence: 9,
      timeMs: Date.UTC(2026, 11, 24, 1),
      price: '-1',
    }),
    status: 200,
    code: 'price_negative',
    field: 'price',
  },
  {
    name: 'a tick of an unknown feed',
    url: '/v1/prices',
    body: fills({
      id: 'unknown',
      feed: 'mark:DOGEUSDT',
      sequence: 1,
      timeMs: Date.UTC(2026, 11, 24, 1),
      price: '1',
    }),
    status: 200,
    code: 'feed_not_found',
    field: 'feed',
  },
  // Time
  {
    name: 'a command past its time to live',
    url: '/v1/deposits',
    body: { ...deposit, issuedAtMs: Date.UTC(2026, 11, 23), timeToLiveMs: 1000 },
    status: 422,
    code: 'command_expired',
    field: 'timeToLiveMs',
  },
  {
    name: 'a time to live without its issue time',
    url: '/v1/deposits',
    body: { ...deposit, timeToLiveMs: 1000 },
    status: 400,
    code: 'bad_input',
    field: 'timeToLiveMs',
  },
  // Encoding and structure
  {
    name: 'a missing field',
    url: '/v1/deposits',
    body: { id: 'x', account: 'alice', asset: 'USDT' },
    status: 400,
    code: 'bad_input',
    field: 'amount',
  },
  {
    name: 'an extra field',
    url: '/v1/deposits',
    body: { ...deposit, colour: 'red' },
    status: 400,
    code: 'bad_input',
    field: 'colour',
  },
  {
    name: 'a flag exempting it from risk checks',
    url: '/v1/withdrawals',
    key: 'trader',
    body: { ...withdraw, skipRiskChecks: true },
    status: 400,
    code: 'bad_input',
    field: 'skipRiskChecks',
  },
  {
    name: 'the type in the body',
    url: '/v1/deposits',
    body: { ...deposit, type: 'withdraw' },
    status: 400,
    code: 'bad_input',
    field: 'type',
  },
  {
    name: 'a wrong type',
    url: '/v1/deposits',
    body: { ...deposit, account: 5 },
    status: 400,
    code: 'bad_input',
    field: 'account',
  },
  {
    name: 'a nested wrong type',
    url: '/v1/fills',
    body: fills({ ...fill, taker: { account: 'carol', feeRate: 1 } }),
    status: 400,
    code: 'bad_input',
    field: 'items[0].taker.feeRate',
  },
  {
    name: 'a side outside the set',
    url: '/v1/fills',
    body: fills({ ...fill, takerSide: 'hold' }),
    status: 400,
    code: 'bad_input',
    field: 'items[0].takerSide',
  },
  {
    name: 'a margin mode outside the set',
    url: '/v1/margin-mode',
    key: 'trader',
    body: { id: 'm', account: 'alice', instrument: 'BTCUSDT', marginMode: 'portfolio' },
    status: 400,
    code: 'bad_input',
    field: 'marginMode',
  },
  {
    name: 'a key given twice',
    url: '/v1/deposits',
    body: '{"id":"x","account":"alice","asset":"USDT","amount":"1","amount":"1000000"}',
    status: 400,
    code: 'duplicate_key',
    field: 'amount',
  },
  {
    name: 'a nested key given twice',
    url: '/v1/fills',
    body: `{"items":[{"id":"x","instrument":"BTCUSDT","takerSide":"buy","size":"0.1","price":"95020","taker":{"account":"carol","account":"alice","feeRate":"0"},"maker":{"account":"mm","feeRate":"0"}}]}`,
    status: 400,
    code: 'duplicate_key',
    field: 'items[0].taker.account',
  },
  {
    name: 'invalid UTF-8',
    url: '/v1/deposits',
    body: Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    status: 400,
    code: 'invalid_utf8',
    field: '(root)',
  },
  {
    name: 'not JSON',
    url: '/v1/deposits',
    body: '{"id": "x", ',
    status: 400,
    code: 'invalid_json',
    field: '(root)',
  },
  {
    name: 'deeply nested JSON',
    url: '/v1/deposits',
    body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    status: 400,
    code: 'body_too_deep',
    field: '(root)',
  },
  {
    name: 'an oversized body',
    url: '/v1/deposits',
    body: JSON.stringify({ ...deposit, id: 'x'.repeat(2 * 1024 * 1024) }),
    status: 413,
    code: 'body_too_large',
    field: '(root)',
  },
  {
    name: 'an array for a body',
    url: '/v1/deposits',
    body: [deposit],
    status: 400,
    code: 'bad_input',
    field: '(root)',
  },
  {
    name: 'a body that is not JSON by its type',
    url: '/v1/deposits',
    body: 'id=x',
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
  },
  // Keys and roles
  {
    name: 'no key',
    url: '/v1/deposits',
    body: deposit,
    key: 'none' as KeyName,
    status: 401,
    code: 'key_missing',
  },
  {
    name: 'a role the route does not allow',
    url: '/v1/deposits',
    body: deposit,
    key: 'risk_viewer',
    status: 403,
    code: 'role_forbidden',
  },
];

describe('bad input through the API (SCENARIOS.md C2)', () => {
  let t: Server;
  beforeAll(async () => {
    t = await tradedServer();
  });

  it.each(cases)('$name: $status $code, nothing changed', async (c) => {
    const before = t.hash();
    const events = t.host.ledger.events;
    const key = c.key ?? 'operator';
    const headers: Record<string, string> = {
      'content-type': c.contentType ?? 'application/json',
      ...((key as string) === 'none' ? {} : { authorization: `Bearer ${t.keys[key]}` }),
    };
    const payload =
      typeof c.body === 'string' || Buffer.isBuffer(c.body) ? c.body : JSON.stringify(c.body);
    const response = await t.app.inject({ method: 'POST', url: c.url, payload, headers });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(c.status);
    const body = response.json();
    // A batch's answers carry each item's own rejection; anything else, the one error body.
    const error = c.status === 200 ? body.answers[0].rejection : body.error;
    expect(error.code).toBe(c.code);
    if (c.field !== undefined) expect(error.field).toBe(c.field);
    if (c.status !== 200) expect(body.error.message.length).toBeGreaterThan(0);
    expect(t.hash()).toBe(before);
    expect(t.host.ledger.events).toBe(events);
  });

  it('answers an id sent again with the same body with the first answer, and no second effect', async () => {
    const first = await t.post(
      '/v1/deposits',
      { id: 'again', account: 'bob', asset: 'USDT', amount: '1.000000000000000001' },
      'operator',
    );
    expect(first.json().kind).toBe('accepted');
    const hash = t.hash();
    const again = await t.post(
      '/v1/deposits',
      { id: 'again', account: 'bob', asset: 'USDT', amount: '1.000000000000000001' },
      'operator',
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      kind: 'duplicate',
      first: first.json().first,
      count: first.json().events.length,
    });
    expect(t.hash()).toBe(hash);
  });

  it('refuses a wrong secret and a revoked key alike, 401 key_invalid', async () => {
    const wrong = `${t.keys.trader.slice(0, -4)}AAAA`;
    for (const key of [wrong, 'xm_000000000000_x', 'not-a-key']) {
      const response = await t.app.inject({
        url: '/v1/status',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('key_invalid');
    }
    const { key, stored } = t.ring.create('risk_viewer', [], 'soon revoked', new Date(0));
    expect(
      (await t.app.inject({ url: '/v1/status', headers: { 'x-api-key': key } })).statusCode,
    ).toBe(200);
    t.ring.revoke(stored.id, new Date(0));
    const revoked = await t.app.inject({ url: '/v1/status', headers: { 'x-api-key': key } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('key_invalid');
  });

  it('counts each refusal in /metrics under its command and outcome', async () => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    const count = (type: string, outcome: string) =>
      Number(
        new RegExp(`xmargin_commands_total\\{type="${type}",outcome="${outcome}"\\} (\\d+)`).exec(
          text,
        )?.[1] ?? 0,
      );
    const deposits = cases.filter((c) => c.url === '/v1/deposits');
    const badDeposits = deposits.filter((c) => [400, 413, 415].includes(c.status)).length;
    expect(count('deposit', 'bad_input')).toBe(badDeposits);
    expect(count('deposit', 'refused')).toBe(
      deposits.filter((c) => [401, 403].includes(c.status)).length,
    );
    expect(count('fill', 'bad_input')).toBe(
      cases.filter((c) => c.url === '/v1/fills' && c.status === 400).length,
    );
  });

  it('answers an unknown route 404 route_not_found', async () => {
    const response = await t.get('/v1/nothing', 'operator');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route_not_found');
  });
});
