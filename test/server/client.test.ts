import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedAFill } from '../../examples/server/venue-client.ts';
import { type StreamMessage, XmarginClient, XmarginError } from '../../src/client/client.ts';
import { testServer } from './server-kit.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

describe('the typed client, on a real socket', () => {
  let t: Server;
  let address: string;
  beforeAll(async () => {
    t = await testServer();
    t.at(Date.now());
    address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t.app.close();
  });

  it('runs the worked example: accounts, prices and a fill fed, the report read', async () => {
    const report = await feedAFill(address, t.keys.operator, 'ex');
    expect(
      (report.positions as { instrument: string; size: string }[]).map((p) => [
        p.instrument,
        p.size,
      ]),
    ).toEqual([['BTCUSDT', '0.1']]);
    expect(Number(report.initialMargin)).toBeGreaterThan(0);
  });

  it('throws the status, code and field the server gives', async () => {
    const venue = new XmarginClient(address, t.keys.operator);
    const bad = await venue
      .submit('deposit', { id: 'c1', account: 'ex-taker', asset: 'USDT', amount: '1.2.3' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(XmarginError);
    expect(bad).toMatchObject({ status: 400, code: 'bad_input', field: 'amount' });
    const unknown = await venue
      .submit('deposit', { id: 'c2', account: 'nobody', asset: 'USDT', amount: '1' })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      status: 404,
      code: 'account_not_found',
      answer: { kind: 'rejected' },
    });
  });

  it('streams an account from a sequence number', async () => {
    const reader = new XmarginClient(address, t.keys.risk_viewer);
    const messages: StreamMessage[] = [];
    const close = reader.stream(['account:ex-taker'], (m) => messages.push(m), 1);
    const started = Date.now();
    while (!messages.some((m) => m.type === 'live') && Date.now() - started < 5_000)
      await new Promise((r) => setTimeout(r, 10));
    close();
    expect(messages.filter((m) => m.type === 'event').length).toBeGreaterThanOrEqual(3);
    expect(messages.some((m) => m.type === 'margin')).toBe(true);
  });
});
