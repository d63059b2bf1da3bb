import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * The ccxt import tried with real ccxt output (test/fixtures/ccxt, ccxt's own parsers run on
 * recorded API responses; issue 8, defect 9): one test per point of the defect, each through the
 * CLI, asserting the figures (from --json) or the message a user reads.
 */
pinClock();
const scratch = scratchFolder();

// biome-ignore lint/suspicious/noExplicitAny: ccxt files and the CLI JSON, each field asserted where read.
type Json = Record<string, any>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(`test/fixtures/ccxt/${name}.json`, 'utf8'));
}

function written(name: string, change: (doc: Json) => void = () => {}): string {
  const doc = fixture(name);
  change(doc);
  return scratch.write(`${name}-${Math.random().toString(36).slice(2)}.json`, doc);
}

function marginJson(file: string, ...args: string[]): Json {
  const result = runCli(['margin', file, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout)[0];
}

function refused(file: string, ...args: string[]): string[] {
  const result = runCli(['margin', file, ...args]);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^xmargin: bad input\n/);
  return result.stderr
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
}

describe('ccxt import of real ccxt output (defect 9)', () => {
  it('is read as ccxt from its format alone, without --from ccxt', () => {
    const report = marginJson('test/fixtures/ccxt/binanceusdm.json');
    expect(report.rulebook).toBe('binance-usdm');
    expect(report.positions[0].instrument).toBe('BTCUSDT');
  });

  it('a signed (negative) contracts on a short is its size, not "--2"; against side "long" it is refused', () => {
    const short = written('binancecoinm', (doc) => {
      doc.positions[0].contracts = -3;
    });
    expect(marginJson(short).positions[0].size).toBe('-3');
    const contradicted = written('binancecoinm', (doc) => {
      doc.positions[0].contracts = -3;
      doc.positions[0].side = 'long';
    });
    const issues = refused(contradicted);
    expect(issues).toEqual(['positions[0].contracts: is negative, but side is "long"']);
    expect(issues.join('\n')).not.toContain('--');
  });

  it('marginMode null (ccxt Python) reads as not given: Bybit tradeMode 1 is isolated', () => {
    expect(fixture('bybit').positions[0].marginMode).toBeNull();
    const report = marginJson('test/fixtures/ccxt/bybit.json');
    expect(report.positions[0].marginMode).toBe('isolated');
    expect(report.buckets.map((b: Json) => b.id)).toEqual(['cross', 'ETHUSDT']);
  });

  it('a zero balance written "0.00000000" is dropped, so no price is asked for it', () => {
    const file = written('binanceusdm', (doc) => {
      doc.balance.total.FDUSD = '0.00000000';
      doc.balance.info.assets.push({ asset: 'FDUSD', crossWalletBalance: '0.00000000' });
    });
    const report = marginJson(file);
    const assets = report.buckets[0].collateral.map((line: Json) => line.asset);
    expect(assets.sort()).toEqual(['USDC', 'USDT']);
  });

  it('Hyperliquid: the mark follows from notional / contracts, and the coin reaches its own rule', () => {
    const report = marginJson('test/fixtures/ccxt/hyperliquid.json');
    const rows = report.positions.map((p: Json) => [p.instrument, p.markPrice, p.marginRule]);
    expect(rows).toEqual([
      ['SOL', '137.96', 'SOL'],
      ['ETH', '2387', 'ETH'],
    ]);
  });

  it('without info, the venue id is made from the symbol, so the rulebook rule is still reached', () => {
    const bare = (name: string) =>
      written(name, (doc) => {
        for (const position of doc.positions) delete position.info;
      });
    const ids = (name: string) =>
      marginJson(bare(name)).positions.map((p: Json) => [p.instrument, p.marginRule]);
    expect(ids('binanceusdm')).toEqual([['BTCUSDT', 'BTCUSDT']]);
    expect(ids('binancecoinm')).toEqual([['BTCUSD_PERP', 'BTCUSD_PERP']]);
    expect(ids('hyperliquid')).toEqual([
      ['SOL', 'SOL'],
      ['ETH', 'ETH'],
    ]);
  });

  it('a null leverage margins at the leverage the venue initial margin implies (80x), not 150x', () => {
    expect(fixture('binanceusdm').positions[0].leverage ?? null).toBeNull();
    const [btc] = marginJson('test/fixtures/ccxt/binanceusdm.json').positions;
    expect(btc.leverage).toBe('80');
    expect(Number(btc.initialMargin)).toBeCloseTo(607.52416678 / 80, 6);
  });

  it('Binance total (marginBalance) holds the PnL: the wallet is crossWalletBalance, PnL counted once', () => {
    const report = marginJson('test/fixtures/ccxt/binanceusdm.json');
    const usdt = report.buckets[0].collateral.find((line: Json) => line.asset === 'USDT');
    expect(usdt.balance).toBe('3.72964781');
    expect(report.equity).toBe('26.23851459722');
  });

  it('Binance without info: total less the cross PnL', () => {
    const file = written('binanceusdm', (doc) => {
      delete doc.balance.info;
    });
    const usdt = marginJson(file).buckets[0].collateral.find((l: Json) => l.asset === 'USDT');
    expect(usdt.balance).toBe('3.76096609'); // 4.27203287 − 0.51106678
  });

  it('Hyperliquid accountValue holds the PnL and isolated margin: cross wallet 57.6421, deposit 19.171517', () => {
    const rulebook = scratch.write('hl-hype.json', hyperliquidWithHype());
    const report = marginJson(
      'test/fixtures/ccxt/hyperliquid-isolated.json',
      '--rulebook',
      rulebook,
    );
    const [cross, hype] = report.buckets;
    expect(cross.collateral[0].balance).toBe('57.6421');
    expect(hype.collateral[0].balance).toBe('19.171517');
    expect(marginJson('test/fixtures/ccxt/hyperliquid.json').equity).toBe('11524.216934');
  });

  it('a Hyperliquid position without unrealizedPnl is refused: it is needed to find the wallet', () => {
    const file = written('hyperliquid', (doc) => {
      delete doc.positions[1].unrealizedPnl;
    });
    expect(refused(file)).toEqual([
      "positions[1].unrealizedPnl: is required: hyperliquid's total includes it, and it is taken off to find the wallet",
    ]);
  });

  it("after one bad field, the position's other fields are still checked", () => {
    const file = written('binanceusdm', (doc) => {
      doc.positions[0].symbol = 'BTCUSDT';
      doc.positions[0].markPrice = 'NaN';
      doc.positions[0].side = 'up';
    });
    expect(refused(file)).toEqual([
      'positions[0].symbol: must be a ccxt contract symbol such as "BTC/USDT:USDT" or "BTC/USD:BTC-261225"',
      'positions[0].side: must be one of: long, short',
      'positions[0].markPrice: must be a finite number',
    ]);
  });

  it('asOf values a dated contract at the export time, not the wall clock', () => {
    const dated = (asOf: string | undefined) =>
      written('binancecoinm', (doc) => {
        doc.positions[0].symbol = 'BTC/USD:BTC-240927';
        doc.positions[0].info.symbol = 'BTCUSD_240927';
        if (asOf === undefined) delete doc.asOf;
        else doc.asOf = asOf;
      });
    // Pinned clock 2026-11-24: expired by the wall clock, live at the export's time.
    expect(marginJson(dated('2024-07-27T18:40:22.903Z')).positions[0].instrument).toBe(
      'BTCUSD_240927',
    );
    expect(refused(dated(undefined))).toEqual(['positions[0].symbol: has already passed']);
  });

  it('a coin held that counts for nothing needs no price; one that counts still does', () => {
    const report = marginJson('test/fixtures/ccxt/bybit.json');
    const btc = report.buckets[0].collateral[0];
    expect([btc.asset, btc.balance, btc.price, btc.value]).toEqual(['BTC', '0.805994', '0', '0']);
    const counting = written('binanceusdm', (doc) => {
      delete doc.assetPrices.USDC;
    });
    expect(refused(counting)).toEqual([
      'balance.info.assets[3].crossWalletBalance: asset "USDC" has no price in assetPrices',
    ]);
  });

  it("errors name the fields of the user's file, not of the portfolio it is read into", () => {
    const file = written('hyperliquid', (doc) => {
      doc.positions[0].entryPrice = 0;
      doc.positions[1].leverage = 20000;
      doc.account = '';
    });
    expect(refused(file)).toEqual([
      'account: must be a non-empty string of at most 200 characters',
      'positions[0].entryPrice: must be greater than zero',
      'positions[1].leverage: must be at most the leverage limit (10000)',
    ]);
    const unpriced = written('hyperliquid', (doc) => {
      delete doc.assetPrices.USDC;
      doc.positions[1].leverage = 30;
    });
    expect(refused(unpriced)).toEqual([
      'assetPrices: settle asset "USDC" of "SOL" has no price',
      'assetPrices: settle asset "USDC" of "ETH" has no price',
      'balance.total.USDC: asset "USDC" has no price in assetPrices',
      expect.stringMatching(
        /^positions\[1\]\.leverage: 30 is above the 25 allowed at this notional/,
      ),
    ]);
  });

  it('hedge mode: a long and a short on one symbol are two positions, each with its side', () => {
    const report = marginJson('test/fixtures/ccxt/binanceusdm-hedge.json');
    expect(report.positions.map((p: Json) => [p.instrument, p.side, p.size])).toEqual([
      ['BTCUSDT', 'long', '0.009'],
      ['BTCUSDT', 'short', '-0.004'],
    ]);
    // Binance's hedge-mode cross liquidation price, both sides on the one mark:
    // (WB − Pl·El + Ps·Es) / (Pl·MMR + Ps·MMR − Pl + Ps), WB = 3.72964781 + 22 × 0.9999 USD.
    const wallet = 3.72964781 + 22 * 0.9999;
    const lp = (wallet - 0.009 * 67445.9 + 0.004 * 68000) / (0.013 * 0.004 - 0.009 + 0.004);
    expect(Math.abs(Number(report.positions[0].liquidationPrice) - lp)).toBeLessThan(0.01);
    const bybit = marginJson('test/fixtures/ccxt/bybit-hedge.json');
    expect(bybit.positions.map((p: Json) => [p.side, p.size])).toEqual([
      ['long', '0.1'],
      ['short', '-0.05'],
    ]);
  });

  it('a second one-way position on a symbol is refused, naming both', () => {
    const file = written('binanceusdm', (doc) => {
      doc.positions.push(structuredClone(doc.positions[0]));
    });
    expect(refused(file)).toEqual([
      'positions[1]: a second position on "BTC/USDT:USDT" (as positions[0]); a hedge-mode pair is a long and a short, each marked "hedged": true',
    ]);
  });
});

describe('the fixtures are what docs/ccxt.schema.json describes', () => {
  const schema = (name: string) => JSON.parse(readFileSync(`docs/${name}`, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addSchema(schema('rulebook.schema.json'));
  const validate = ajv.compile(schema('ccxt.schema.json'));
  const names = readdirSync('test/fixtures/ccxt').filter((file) => file.endsWith('.json'));

  it.each(names)('%s', (name) => {
    const doc = fixture(name.replace(/\.json$/, ''));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.description).toMatch(/^ccxt 4\.5\.84, /);
  });
});

/** The hyperliquid preset with HYPE's rule on the recording's day (max leverage 10). */
function hyperliquidWithHype(): Json {
  const preset = JSON.parse(readFileSync('rulebooks/hyperliquid.json', 'utf8'));
  preset.instruments.HYPE = {
    kind: 'brackets',
    brackets: [
      { notionalCap: null, maxLeverage: '10', maintenanceRate: '0.05', maintenanceAmount: '0' },
    ],
  };
  return preset;
}
