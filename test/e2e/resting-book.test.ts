import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * `xmargin whatif --order` with a limit that rests (issue 8, defect 1): the venue checks the
 * account's whole book of orders after the order is placed, never the new order alone (Binance's
 * open-order margin, Mango's open orders in health, the brackets' "position + open orders").
 *
 * Accounts are examples/cross-and-isolated.json's (binance-usdm, 20x on BTCUSDT, mark 112,774.5:
 * 5,638.725 USD of initial margin a BTC) with their resting orders changed.
 */
pinClock();
const scratch = scratchFolder();

// biome-ignore lint/suspicious/noExplicitAny: the example's JSON, each field set where used.
type Json = Record<string, any>;

function account(name: string, change: (account: Json) => void): string {
  const doc = JSON.parse(readFileSync('examples/cross-and-isolated.json', 'utf8'));
  change(doc.accounts[0]);
  return scratch.write(name, doc);
}

function whatIf(file: string, order: string): { json: Json; text: string } {
  const json = runCli(['whatif', file, '--json', '--order', order]);
  const text = runCli(['whatif', file, '--order', order]);
  for (const result of [json, text]) {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }
  return { json: (JSON.parse(json.stdout) as Json[])[0]!, text: text.stdout };
}

const bid = (size: string, price: string) => ({
  instrument: 'BTCUSDT',
  side: 'buy',
  size,
  price,
});

describe('a resting order is checked with the orders already resting on its side', () => {
  it('resting bids that use most of the free collateral: a bid that alone passes is refused', () => {
    // 1.7 BTC bid at 109,500: + 1.7 × 5,638.725 of initial margin, 1,942.82 USD left free.
    const file = account('bids-use-collateral.json', (a) => {
      a.openOrders = [bid('1.7', '109500')];
    });
    const { json, text } = whatIf(file, 'buy 0.5 BTCUSDT@61000');
    // 0.5 BTC more, past the 1,942.82 left: (0.8 + 1.7 + 0.5) × 5,638.725 + ETHUSDT's 2,872.29.
    expect(json.verdict).toBe('initial_margin_insufficient');
    expect(json.reason).toEqual({
      check: 'initial_margin',
      bucket: 'cross',
      initialEquity: '18911.925',
      initialMargin: '19788.465',
      maxSize: '0.344',
    });
    expect(json.after).toBeNull();
    expect(text).toMatch(
      /^ {2}REJECTED \(initial_margin_insufficient\): bucket cross would fall below initial margin \(initial equity 18,911\.92 USD < initial margin 19,788\.47 USD, short by 876\.54 USD\)$/m,
    );
    // 1,942.82 / 5,638.725 = 0.3445…, down to the 0.001 step.
    expect(text).toMatch(/^ {2}the largest buy resting at 61000 is 0\.344 BTCUSDT$/m);
    // The same bid with no other order resting passes.
    const alone = account('no-bids.json', (a) => {
      a.openOrders = [];
    });
    expect(whatIf(alone, 'buy 0.5 BTCUSDT@61000').json.verdict).toBe('accepted');
  });

  it("resting bids past the leverage's position limit together: refused, naming them", () => {
    // Collateral enough for any margin: the brackets bind. At 20x they end at 100,000,000 USDT,
    // 886.725… BTC at the mark; 0.8 held + 500 resting leave room for 385.925.
    const file = account('bids-near-position-limit.json', (a) => {
      a.balances.USDT = '100000000';
      a.openOrders = [bid('500', '109500')];
    });
    const { json, text } = whatIf(file, 'buy 500 BTCUSDT@100000');
    // Before the fix the new order was measured alone (0.8 + 500 BTC) and "accepted".
    expect(json.verdict).toBe('position_limit_exceeded');
    expect(json.reason).toEqual({
      check: 'position_limit',
      instrument: 'BTCUSDT',
      // 1,000.8 BTC × 112,774.5
      breach: {
        kind: 'leverage',
        measure: 'notional',
        value: '112864719.6',
        leverage: '20',
        maxLeverage: '10',
        restingOrders: '500',
      },
      maxSize: '385.925',
    });
    expect(text).toContain(
      'REJECTED (position_limit_exceeded): the BTCUSDT position after it and the 500 contracts ' +
        'already resting on that side, all filled, would be 112864719.6 USDT of notional, where ' +
        'the brackets allow at most 10x, below the chosen leverage of 20x',
    );
    // Before the fix: 885.925, the room with the resting 500 BTC left out.
    expect(text).toMatch(/^ {2}the largest buy resting at 100000 is 385\.925 BTCUSDT$/m);
    expect(whatIf(file, 'buy 385.925 BTCUSDT@100000').json.verdict).toBe('accepted');
    expect(whatIf(file, 'buy 385.926 BTCUSDT@100000').json.verdict).toBe('position_limit_exceeded');
  });

  it('a resting sell reduces only with the sells already resting: past the long it is margined', () => {
    // No USDT: the cross bucket is under initial margin (free -471.35), so only a reduction passes.
    const file = account('sells-close-the-long.json', (a) => {
      a.balances.USDT = '0';
      a.openOrders = [{ instrument: 'BTCUSDT', side: 'sell', size: '0.8', price: '130000' }];
    });
    // The 0.8 long is already closed by the resting 0.8 sell: this one would open a short.
    const { json, text } = whatIf(file, 'sell 0.8 BTCUSDT@140000');
    // Before the fix: accepted as reducing only, the resting sell left out.
    expect(json.verdict).toBe('initial_margin_insufficient');
    expect(json.reason).toEqual({
      check: 'initial_margin',
      bucket: 'cross',
      initialEquity: '6911.925',
      initialMargin: '7383.27',
      maxSize: '0',
    });
    expect(text).toMatch(/^ {2}the largest sell resting at 140000 is 0 BTCUSDT$/m);
    // A resting 0.3 sell leaves 0.5 of the long to close: 0.5 more reduces only, 0.501 does not.
    const part = account('sells-close-part.json', (a) => {
      a.balances.USDT = '0';
      a.openOrders = [{ instrument: 'BTCUSDT', side: 'sell', size: '0.3', price: '130000' }];
    });
    expect(whatIf(part, 'sell 0.5 BTCUSDT@140000').json).toMatchObject({
      verdict: 'accepted',
      reason: { check: 'reduces_only' },
    });
    const past = whatIf(part, 'sell 0.501 BTCUSDT@140000');
    expect(past.json).toMatchObject({
      verdict: 'initial_margin_insufficient',
      reason: { check: 'initial_margin', maxSize: '0.5' },
    });
    expect(past.text).toMatch(/^ {2}the largest sell resting at 140000 is 0\.5 BTCUSDT$/m);
  });
});
