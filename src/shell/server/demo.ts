import type { Command } from '../../core/engine/command.ts';
import { liquidationFillOf } from '../../core/engine/liquidation-fill-command.ts';
import type { PriceFeed } from '../../core/ledger/ledger-event.ts';
import { type LiquidityModel, liquidityFill } from '../../core/liquidation/liquidity-model.ts';
import { formatFixed, type Price, parseFixed, SCALE } from '../../core/num/fixed.ts';
import { blackPrice } from '../../core/pricing/black.ts';
import { yearMs } from '../../core/pricing/year.ts';
import { deribitBtcCall } from '../deribit-btc-call.ts';
import { presetJson } from '../import/presets.ts';
import { seededRandom } from '../seeded-random.ts';
import type { EngineService } from './engine-service.ts';

/**
 * `npm start`'s demo: a Deribit-style venue (its published rules: an inverse BTC perpetual and
 * one BTC call, standard and portfolio margin) that liquidates, five accounts trading it in
 * cross, isolated and portfolio margin, one of them highly levered, and a price feed that moves
 * them at once: a seeded, fat-tailed random walk (a normal step most ticks, a jump of 2–6 % now
 * and then), not market data, with a crash in it a few seconds in. The engine's liquidation
 * orders are filled by a liquidity model standing in for the venue's matching engine. Everything
 * it does goes through the engine's own commands, so the log, the streams and the reports show
 * it.
 */

export const perpetual = 'BTC-PERPETUAL';
const strike = 100_000;
const volatility = 0.55;

/** The demo's venue file, its call expiring on the first Friday at 08:00 UTC 90 days on. */
export function demoVenueFile(nowMs: number): Record<string, unknown> {
  const expiry = new Date(nowMs + 90 * 86_400_000);
  expiry.setUTCHours(8, 0, 0, 0);
  while (expiry.getUTCDay() !== 5) expiry.setUTCDate(expiry.getUTCDate() + 1);
  const option = optionId(expiry);
  return {
    format: 'xmargin.portfolio/1',
    description:
      'The demo venue of `xmargin serve --demo`: Deribit’s published rules (warning at a margin ratio of 80 %), the BTC perpetual and one call.',
    // Deribit's rules, with a warning once a bucket's maintenance margin reaches 80 % of its
    // equity, liquidating: each step back to 125 % of maintenance, a fee of 0.25 % to the fund
    // (ours: Deribit's own liquidation fee is not among the rules it publishes).
    rulebook: {
      ...(presetJson('deribit-options') as object),
      liquidationWarning: '0.8',
      // What the book cannot take goes to the backstop, then to auto-deleveraging.
      liquidation: {
        buffer: '0.25',
        feeRate: '0.0025',
        waterfall: {
          backstops: [{ account: demoAccounts.backstop, maxValue: '5000000' }],
          autoDeleverage: { ranking: 'profit_times_leverage', graceMs: '60000' },
        },
      },
    },
    assets: [
      { id: 'BTC', name: 'Bitcoin' },
      { id: 'USD', name: 'US dollar (the quote)' },
    ],
    instruments: [
      {
        id: perpetual,
        kind: 'perpetual',
        settlement: 'inverse',
        underlying: 'BTC',
        quote: 'USD',
        settle: 'BTC',
        contractSize: '10',
        tickSize: '0.5',
        sizeStep: '1',
      },
      deribitBtcCall(option, expiry.getTime(), strike),
    ],
    market: {
      asOf: new Date(nowMs).toISOString(),
      assetPrices: { BTC: '95000', USD: '1' },
      markPrices: { [perpetual]: '95000' },
    },
    accounts: [],
  };
}

function optionId(expiry: Date): string {
  const months = [
    'JAN',
    'FEB',
    'MAR',
    'APR',
    'MAY',
    'JUN',
    'JUL',
    'AUG',
    'SEP',
    'OCT',
    'NOV',
    'DEC',
  ];
  const day = expiry.getUTCDate();
  const year = String(expiry.getUTCFullYear()).slice(2);
  return `BTC-${day}${months[expiry.getUTCMonth()]}${year}-${strike}-C`;
}

/** The demo's accounts: what each shows. */
export const demoAccounts = {
  cross: 'demo-cross',
  isolated: 'demo-isolated',
  portfolio: 'demo-portfolio',
  /** About 16× long: the crash takes it below maintenance, and it is liquidated step by step. */
  levered: 'demo-levered',
  street: 'demo-street',
  /** Takes over what the book cannot absorb, at the bankruptcy price. */
  backstop: 'demo-backstop',
} as const;

/** The perpetual's book as the liquidity model sees it: 20 million USD each 1 % it gives way. */
const perpetualBook: LiquidityModel = { depth: parseFixed('20000000')! };

/** The crash: from the 12th tick, twenty ticks each 0.5 % lower than the walk would have it. */
export function crashMove(beat: number): number {
  return beat >= 12 && beat < 32 ? -0.005 : 0;
}

/**
 * The walk's next index from `index`: a normal step of `sigma` most ticks (Box–Muller), a jump of
 * 2 to 6 % either way one tick in fifty: the fat tails a real feed has.
 */
export function nextIndex(index: number, random: () => number, sigma = 0.002): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  const step = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()) * sigma;
  const jump = random() < 0.02 ? (random() < 0.5 ? -1 : 1) * (0.02 + 0.04 * random()) : 0;
  return index * Math.exp(step + jump);
}

/** A float price as the venue's tick, nearest: a feed's figure, not an amount owed. */
function onTick(price: number, tick: number): Price {
  const ticks = Math.max(1, Math.round(price / tick));
  return BigInt(ticks) * parseFixed(String(tick))!;
}

/** The demo's day running: ticks each `everyMs`, a trade now and then. */
export class DemoFeed {
  private timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private beat = 0;

  constructor(
    private readonly service: EngineService,
    seed: number,
    private readonly everyMs = 500,
  ) {
    this.random = seededRandom(seed);
  }

  /** The venue's instruments (the call's id), read from the engine's rules. */
  private get option(): { id: string; expiryMs: number } {
    for (const instrument of this.service.host.settings.venue.instruments.values()) {
      if (instrument.kind === 'option')
        return { id: instrument.id, expiryMs: instrument.expiryMs! };
    }
    throw new Error('the demo venue has no option');
  }

  /** The accounts, their collateral and first trades, on a log that does not have them yet. */
  async setUp(): Promise<void> {
    const { ledger } = this.service.host;
    if (ledger.accounts.has(demoAccounts.cross)) return;
    await this.tick();
    const { id: option } = this.option;
    const fill = (
      id: string,
      instrument: string,
      account: string,
      takerSide: 'buy' | 'sell',
      contracts: bigint,
      price: Price,
    ): Command => ({
      id,
      type: 'fill',
      instrument,
      takerSide,
      size: contracts * SCALE,
      price,
      taker: { account, feeRate: 0n },
      maker: { account: demoAccounts.street, feeRate: 0n },
      external: 'maker',
    });
    const index = Number(formatFixed(ledger.assetPrices.get('BTC')!));
    const premium = ledger.markPrices.get(option)!;
    const commands: Command[] = [
      ...Object.values(demoAccounts).map(
        (account): Command => ({
          id: `demo-open-${account}`,
          type: 'open_account',
          account,
          poolMode: account === demoAccounts.portfolio ? 'portfolio' : 'cross',
        }),
      ),
      ...(
        [
          // About 4× leverage in cross, 6× isolated; the call writer near its margin call.
          [demoAccounts.cross, '0.05'],
          [demoAccounts.isolated, '0.1'],
          [demoAccounts.portfolio, '1'],
          [demoAccounts.levered, '0.01'],
          [demoAccounts.street, '1000'],
          [demoAccounts.backstop, '20'],
        ] as const
      ).map(
        ([account, amount]): Command => ({
          id: `demo-fund-${account}`,
          type: 'deposit',
          account,
          asset: 'BTC',
          amount: parseFixed(amount)!,
        }),
      ),
      {
        id: 'demo-isolated-mode',
        type: 'set_margin_mode',
        account: demoAccounts.isolated,
        instrument: perpetual,
        marginMode: 'isolated',
      },
      fill('demo-cross-long', perpetual, demoAccounts.cross, 'buy', 2000n, onTick(index, 0.5)),
      fill(
        'demo-isolated-short',
        perpetual,
        demoAccounts.isolated,
        'sell',
        3000n,
        onTick(index, 0.5),
      ),
      {
        id: 'demo-isolated-margin',
        type: 'move_isolated_margin',
        account: demoAccounts.isolated,
        instrument: perpetual,
        amount: parseFixed('0.05')!,
      },
      fill('demo-levered-long', perpetual, demoAccounts.levered, 'buy', 1500n, onTick(index, 0.5)),
      fill('demo-portfolio-calls', option, demoAccounts.portfolio, 'sell', 5n, premium),
      fill(
        'demo-portfolio-hedge',
        perpetual,
        demoAccounts.portfolio,
        'buy',
        1500n,
        onTick(index, 0.5),
      ),
    ];
    for (const command of commands) await this.service.submit(command);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.step().catch(() => this.stop());
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async step(): Promise<void> {
    this.beat++;
    await this.tick();
    await this.fillLiquidations();
    // Now and then the cross account trades a little, so positions move as well as prices.
    if (this.beat % 20 === 0) {
      const { ledger } = this.service.host;
      const mark = ledger.markPrices.get(perpetual)!;
      const id = `demo-trade-${ledger.events}`;
      await this.service.submit({
        id,
        type: 'fill',
        instrument: perpetual,
        takerSide: this.beat % 40 === 0 ? 'sell' : 'buy',
        size: 100n * SCALE,
        price: mark,
        taker: { account: demoAccounts.cross, feeRate: parseFixed('0.0005')! },
        maker: { account: demoAccounts.street, feeRate: 0n },
        external: 'maker',
      });
    }
  }

  /**
   * The engine's liquidation orders filled as the venue's matching engine would, by the liquidity
   * model, against the street: what the book takes at no worse than each order's limit. What it
   * cannot take (too thin at the limit, or a fill the fund could not cover) is reported unfilled,
   * for the waterfall.
   */
  private async fillLiquidations(): Promise<void> {
    const { ledger, settings } = this.service.host;
    for (const order of [...ledger.liquidations.values()]) {
      const instrument = settings.venue.instruments.get(order.instrument)!;
      const mark = ledger.markPrices.get(order.instrument)!;
      const filled = liquidityFill(instrument, order, mark, perpetualBook);
      const unfilled: Command = {
        id: `demo-unfilled-${order.id}-${order.size}`,
        type: 'liquidation_unfilled',
        orderId: order.id,
      };
      if (filled === undefined) {
        await this.service.submit(unfilled);
        continue;
      }
      const answer = await this.service.submit({
        id: `demo-liquidation-${order.id}-${order.size}`,
        ...liquidationFillOf(
          order,
          filled.size,
          filled.price,
          { account: demoAccounts.street, feeRate: 0n },
          'maker',
        ),
      });
      if (answer.kind === 'rejected' && answer.rejection.code === 'insurance_fund_short') {
        await this.service.submit(unfilled);
      }
    }
  }

  /** One tick of every feed: the index walks, the perpetual's mark follows, the call is priced. */
  private async tick(): Promise<void> {
    const { host } = this.service;
    const { ledger } = host;
    const nowMs = host.timeMs();
    const last = ledger.assetPrices.get('BTC');
    const walked = last === undefined ? 95_000 : nextIndex(Number(formatFixed(last)), this.random);
    const index = walked * (1 + crashMove(this.beat));
    const option = this.option;
    const years = (option.expiryMs - nowMs) / yearMs;
    const call = years > 0 ? blackPrice('call', index, strike, years, volatility, 0) / index : 0;
    const feeds: [PriceFeed, Price][] = [
      ['index:BTC', onTick(index, 0.01)],
      [`mark:${perpetual}`, onTick(index * (1 + 0.0002 * (this.random() - 0.5)), 0.5)],
      [`mark:${option.id}`, onTick(Math.max(call, 0.0005), 0.0005)],
    ];
    const ticks = feeds.map(
      ([feed, price]): Command => ({
        id: `demo-${feed}-${(ledger.feeds.get(feed)?.sequence ?? 0) + 1}`,
        type: 'price_tick',
        feed,
        sequence: (ledger.feeds.get(feed)?.sequence ?? 0) + 1,
        timeMs: nowMs,
        price,
      }),
    );
    const surface = ledger.volatility.get('BTC');
    if (surface === undefined || this.beat % 120 === 0) {
      ticks.push({
        id: `demo-surface-${nowMs}`,
        type: 'volatility_surface',
        underlying: 'BTC',
        sequence: nowMs,
        timeMs: nowMs,
        slices: [
          {
            expiryMs: option.expiryMs,
            atmVolatility: volatility,
            b: 0.05,
            rho: -0.25,
            m: 0,
            sigma: 0.1,
          },
        ],
      });
    }
    await this.service.submitAll(ticks);
  }
}
