import { describe, expect, it } from 'vitest';
import { fixed } from '../../core/num/fixed.ts';
import { readCommandFile } from './command-file.ts';
import type { InputError } from './reader.ts';

function issuesOf(text: string): readonly string[] {
  try {
    readCommandFile(text, 'c.jsonl');
  } catch (error) {
    return (error as InputError).issues;
  }
  throw new Error('accepted');
}

describe('a file of engine commands', () => {
  it('reads each line into a command, amounts exact, blank lines skipped', () => {
    const commands = readCommandFile(
      [
        '{"id":"1","type":"open_account","account":"a"}',
        '',
        '{"id":"2","type":"deposit","account":"a","asset":"USDT","amount":"100.000000000000000001"}',
        '{"id":"t","type":"price_tick","feed":"index:BTC","sequence":7,"timeMs":1000,"price":"-1.5"}',
        '{"id":"3","type":"transfer","from":"a","to":"b","asset":"USDT","amount":"0.1","issuedAtMs":5,"timeToLiveMs":0}',
      ].join('\n'),
      'c.jsonl',
    );
    expect(commands).toEqual([
      { id: '1', type: 'open_account', account: 'a', poolMode: 'cross' },
      {
        id: '2',
        type: 'deposit',
        account: 'a',
        asset: 'USDT',
        amount: fixed('100.000000000000000001'),
      },
      {
        id: 't',
        type: 'price_tick',
        feed: 'index:BTC',
        sequence: 7,
        timeMs: 1000,
        price: fixed('-1.5'),
      },
      {
        id: '3',
        type: 'transfer',
        from: 'a',
        to: 'b',
        asset: 'USDT',
        amount: fixed('0.1'),
        issuedAtMs: 5,
        timeToLiveMs: 0,
      },
    ]);
  });

  it('reads a volatility surface: each expiry a UTC time, the smile decimal strings as floats', () => {
    const [surface] = readCommandFile(
      '{"id":"v","type":"volatility_surface","underlying":"BTC","sequence":3,"timeMs":1000,' +
        '"slices":[{"expiry":"2027-03-26T08:00:00Z","atmVolatility":"0.52","b":"0.05",' +
        '"rho":"-0.25","m":"0","sigma":"0.1"}]}',
      'c.jsonl',
    );
    expect(surface).toEqual({
      id: 'v',
      type: 'volatility_surface',
      underlying: 'BTC',
      sequence: 3,
      timeMs: 1000,
      slices: [
        {
          expiryMs: Date.UTC(2027, 2, 26, 8),
          atmVolatility: 0.52,
          b: 0.05,
          rho: -0.25,
          m: 0,
          sigma: 0.1,
        },
      ],
    });
  });

  it('refuses a surface that does not read, naming each field of each slice', () => {
    const line = (slices: string, head = '"underlying":"BTC","sequence":1,"timeMs":0') =>
      `{"id":"v","type":"volatility_surface",${head},"slices":${slices}}`;
    const good = '"atmVolatility":"0.5","b":"0.1","rho":"0","m":"0","sigma":"0.1"';
    expect(
      issuesOf(
        [
          line(`[{"expiry":"2027-02-30T08:00:00Z",${good}}]`),
          line(
            '[{"expiry":"2027-03-26T08:00:00Z","atmVolatility":0.5,"b":"-1","rho":"0","m":"11","sigma":"0"}]',
          ),
          line(`[{"expiry":"2027-03-26T08:00:00Z",${good},"a":"0.1"}]`),
          line('{}'),
          line('[]', '"underlying":"BTC","sequence":-1,"timeMs":1.5'),
        ].join('\n'),
      ),
    ).toEqual([
      expect.stringMatching(/^c\.jsonl:1: slices\[0\]\.expiry: /),
      'c.jsonl:2: slices[0].atmVolatility: must be a decimal string (write "0.1", not 0.1)',
      'c.jsonl:2: slices[0].b: must not be negative',
      'c.jsonl:2: slices[0].m: must be at most 10 (the SVI limit)',
      'c.jsonl:2: slices[0].sigma: must be greater than zero',
      expect.stringMatching(/^c\.jsonl:3: slices\[0\]\.a: unknown field/),
      'c.jsonl:4: slices: must be an array',
      'c.jsonl:5: sequence: must be a whole number, 0 or more',
      'c.jsonl:5: timeMs: must be a whole number of milliseconds, 0 or more',
    ]);
  });

  it('refuses the whole file with every issue, each naming its line and field', () => {
    expect(
      issuesOf(
        [
          '{"id":"1","type":"deposit","account":"a","asset":"USDT","amount":100}',
          '{"id":"2","type":"withdraw","account":"a","asset":"USDT","amount":"-1"}',
          '{"id":"3","type":"fly","account":"a"}',
          '{"id":"4","type":"deposit","account":"a","asset":"USDT","amount":"1e3"}',
          '{"id":"5","type":"deposit","account":"a","asset":"USDT","amount":"1","amont":"2"}',
          '{"id":"6","type":"deposit","account":"a","asset":"USDT","amount":"1","issuedAtMs":1.5}',
          '{"id":"7","type":"deposit","account":"a","asset":"USDT","amount":"1","timeToLiveMs":10}',
          '{"id":"8","id":"9","type":"open_account","account":"a"}',
          '{"id":"10",',
          '[]',
          '{"id":"11","type":"deposit","account":"a","asset":"USDT","amount":"1000000000000001"}',
          '{"id":"12","type":"price_tick","feed":"BTC","sequence":-1,"timeMs":0,"price":"1"}',
        ].join('\n'),
      ),
    ).toEqual([
      'c.jsonl:1: amount: must be a decimal string (write "0.1", not 0.1)',
      'c.jsonl:2: amount: must be greater than zero',
      'c.jsonl:3: type: must be one of: open_account, deposit, withdraw, transfer, price_tick, ' +
        'volatility_surface, fill, funding, settle_expiry, move_isolated_margin, set_leverage, set_margin_mode, ' +
        'place_order, amend_order, cancel_order, liquidation_unfilled, move_collateral, settle_collateral_move, ' +
        'halt_instrument, resume_instrument, pre_trade_check',
      'c.jsonl:4: amount: must be a decimal string with at most 18 decimals, got "1e3"',
      'c.jsonl:5: amont: unknown field (expected one of: id, type, issuedAtMs, timeToLiveMs, account, asset, amount, location)',
      'c.jsonl:6: issuedAtMs: must be a whole number of milliseconds, 0 or more',
      'c.jsonl:7: timeToLiveMs: comes with issuedAtMs: a time to live counts from it',
      'c.jsonl:8: id: key "id" given twice, at line 1:11 (first at line 1:2): give each key once, JSON keeps only the last',
      'c.jsonl:9: not valid JSON at line 1:12: expected a double-quoted property name, found the end of the text',
      'c.jsonl:10: (root): must be an object',
      'c.jsonl:11: amount: must be at most the amount limit',
      'c.jsonl:12: feed: must be mark:INSTRUMENT or index:ASSET',
      'c.jsonl:12: sequence: must be a whole number, 0 or more',
    ]);
  });
});

describe('trading commands in a file', () => {
  it('reads a fill with both parties, a funding interval and an expiry settlement', () => {
    const commands = readCommandFile(
      [
        '{"id":"f","type":"fill","instrument":"BTCUSDT","takerSide":"sell","size":"0.3","price":"100000.1",' +
          '"taker":{"account":"a","feeRate":"0.0005","marginMode":"isolated"},' +
          '"maker":{"account":"b","feeRate":"-0.0001","positionSide":"long"},"external":"maker"}',
        '{"id":"g","type":"funding","instrument":"BTCUSDT","fundingMs":28800000,"intervalMs":28800000,"rate":"-0.000125"}',
        '{"id":"h","type":"settle_expiry","instrument":"BTC-C","price":"0"}',
      ].join('\n'),
      'c.jsonl',
    );
    expect(commands).toEqual([
      {
        id: 'f',
        type: 'fill',
        instrument: 'BTCUSDT',
        takerSide: 'sell',
        size: fixed('0.3'),
        price: fixed('100000.1'),
        taker: { account: 'a', feeRate: fixed('0.0005'), marginMode: 'isolated' },
        maker: { account: 'b', feeRate: fixed('-0.0001'), positionSide: 'long' },
        external: 'maker',
      },
      {
        id: 'g',
        type: 'funding',
        instrument: 'BTCUSDT',
        fundingMs: 28_800_000,
        intervalMs: 28_800_000,
        rate: fixed('-0.000125'),
      },
      { id: 'h', type: 'settle_expiry', instrument: 'BTC-C', price: 0n },
    ]);
  });

  it('names the field of a bad fill, funding or settlement', () => {
    expect(
      issuesOf(
        [
          '{"id":"f","type":"fill","instrument":"BTCUSDT","takerSide":"short","size":"1","price":"0",' +
            '"taker":{"account":"a","feeRate":0.0005},"maker":{"account":"b","feeRate":"2","side":"long"}}',
          '{"id":"g","type":"funding","instrument":"BTCUSDT","fundingMs":1.5,"intervalMs":-1,"rate":"1.01"}',
          '{"id":"h","type":"settle_expiry","instrument":"BTC-C"}',
        ].join('\n'),
      ),
    ).toEqual([
      'c.jsonl:1: takerSide: must be one of: buy, sell',
      'c.jsonl:1: price: must be greater than zero',
      'c.jsonl:1: taker.feeRate: must be a decimal string (write "0.1", not 0.1)',
      'c.jsonl:1: maker.side: unknown field (expected one of: account, feeRate, positionSide, marginMode, orderId)',
      'c.jsonl:1: maker.feeRate: must be at most 1',
      'c.jsonl:2: fundingMs: must be a whole number of milliseconds, 0 or more',
      'c.jsonl:2: intervalMs: must be a whole number of milliseconds',
      'c.jsonl:2: rate: must be at most 1',
      'c.jsonl:3: price: is required (a decimal string)',
    ]);
  });
});

describe('funding from premium samples in a file', () => {
  const premium = {
    samples: [{ impactBid: '100030', impactAsk: '100031', index: '100000' }],
    weighting: 'equal',
    terms: {
      referencePeriodMs: 28_800_000,
      interestRate: '0.0001',
      dampener: '0.0005',
      proration: 'rate',
    },
    bounds: { cap: '0.0075', floor: '-0.0075', rateDecimals: 8 },
  };
  const line = (body: object) =>
    JSON.stringify({
      id: 'f',
      type: 'funding',
      instrument: 'BTCUSDT',
      fundingMs: 0,
      intervalMs: 28_800_000,
      ...body,
    });

  it('reads the samples, the formula and its bounds exactly', () => {
    expect(readCommandFile(line({ premium }), 'c.jsonl')).toEqual([
      {
        id: 'f',
        type: 'funding',
        instrument: 'BTCUSDT',
        fundingMs: 0,
        intervalMs: 28_800_000,
        premium: {
          samples: [
            { impactBid: fixed('100030'), impactAsk: fixed('100031'), index: fixed('100000') },
          ],
          weighting: 'equal',
          terms: {
            referencePeriodMs: 28_800_000,
            interestRate: fixed('0.0001'),
            dampener: fixed('0.0005'),
            proration: 'rate',
          },
          bounds: { cap: fixed('0.0075'), floor: fixed('-0.0075'), rateDecimals: 8 },
        },
      },
    ]);
  });

  it('takes the rate or the premium, not both and not neither, and names a bad field', () => {
    expect(
      issuesOf(
        [
          line({}),
          line({ rate: '0.0001', premium }),
          line({ premium: { ...premium, weighting: 'log' } }),
        ].join('\n'),
      ),
    ).toEqual([
      'c.jsonl:1: rate: give the rate, or the premium it is computed from: one of them',
      'c.jsonl:2: rate: give the rate, or the premium it is computed from: one of them',
      'c.jsonl:3: premium.weighting: must be one of: linear, equal',
    ]);
  });
});
