/**
 * A venue's own code on xmargin's client: connect, open two accounts, fund them, feed prices and a
 * fill from the matching engine, and read the taker's risk report. Start a server first
 * (`npm start`, or `xmargin serve --no-demo --venue examples/engine/venue.json`), then:
 *
 *   npx tsx examples/server/venue-client.ts http://127.0.0.1:8080 OPERATOR_KEY
 */
import { XmarginClient } from '../../src/client/client.ts';

export async function feedAFill(
  baseUrl: string,
  operatorKey: string,
  run: string,
): Promise<Record<string, unknown>> {
  const venue = new XmarginClient(baseUrl, operatorKey);
  const now = Date.now();
  for (const account of [`${run}-taker`, `${run}-maker`]) {
    await venue.submit('open_account', { id: `${run}-open-${account}`, account });
    await venue.submit('deposit', {
      id: `${run}-fund-${account}`,
      account,
      asset: 'USDT',
      amount: '10000',
    });
  }
  const status = (await venue.status()) as { sequence: number };
  const prices = [
    ['index:USDT', '1'],
    ['index:BTC', '95000'],
    ['mark:BTCUSDT', '95010'],
  ] as const;
  await venue.submitAll(
    'price_tick',
    prices.map(([feed, price]) => ({
      id: `${run}-${feed}`,
      feed,
      sequence: status.sequence + 1,
      timeMs: now,
      price,
    })),
  );
  const fill = await venue.submit('fill', {
    id: `${run}-fill`,
    instrument: 'BTCUSDT',
    takerSide: 'buy',
    size: '0.1',
    price: '95010',
    taker: { account: `${run}-taker`, feeRate: '0.0005' },
    maker: { account: `${run}-maker`, feeRate: '0.0002' },
  });
  if (fill.kind === 'rejected') throw new Error(`the fill was refused: ${fill.rejection.code}`);
  return (await venue.report(`${run}-taker`)).report;
}

if (process.argv[1]?.endsWith('venue-client.ts')) {
  const [baseUrl = 'http://127.0.0.1:8080', key = ''] = process.argv.slice(2);
  feedAFill(baseUrl, key, `example-${Date.now()}`).then((report) => {
    const { equity, initialMargin, maintenanceMargin, freeCollateral } = report as Record<
      string,
      string
    >;
    console.log({ equity, initialMargin, maintenanceMargin, freeCollateral });
  });
}
