import type { Command, CommandBody } from '../../core/engine/command.ts';
import type { OrderCheck } from '../../core/engine/decide-order.ts';
import { sourceFeed } from '../../core/engine/index-sources.ts';
import { liquidationFillOf } from '../../core/engine/liquidation-fill-command.ts';
import { insuranceFund } from '../../core/ledger/house-accounts.ts';
import type { Ledger } from '../../core/ledger/ledger.ts';
import type { PriceFeed } from '../../core/ledger/ledger-event.ts';
import { liquidityFill } from '../../core/liquidation/liquidity-model.ts';
import type { PoolMode, Side } from '../../core/model/account.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { type Price, parseFixed, SCALE } from '../../core/num/fixed.ts';
import { blackPrice } from '../../core/pricing/black.ts';
import { yearMs } from '../../core/pricing/year.ts';
import { seededRandom } from '../seeded-random.ts';
import {
  callStrike,
  futureExpiryMs,
  optionExpiry,
  simBackstop,
  simIndexSources,
  simInstruments,
  simStreet,
} from './sim-venue.ts';

/**
 * What the simulator delivers, one at a time: a command as a client sends it (sent again, or its
 * id reused, or two swapped, by the faults below), or a fault of the process itself. A run is its
 * list of steps, so a failing run can be replayed, and shrunk, from the list alone.
 */
export type Step =
  | { readonly kind: 'command'; readonly command: Command; readonly fault?: CommandFault }
  /** Prices in one batch, as a feed handler sends them: one transaction. */
  | { readonly kind: 'batch'; readonly commands: readonly Command[] }
  /** The process dies between commands and restarts from the log (and its latest snapshot). */
  | { readonly kind: 'crash' }
  /**
   * The process dies while appending the events of `commands` (one batch): part of it is on disk
   * beyond the head it recorded (a torn tail), nothing was acknowledged; recovery moves the torn
   * rows aside and the client sends the batch again.
   */
  | { readonly kind: 'torn_crash'; readonly commands: readonly Command[] };

/** A command sent again with the same body, or with another body under a used id. */
export type CommandFault = 'duplicate' | 'id_reused';

/** What the workload reads of the engine between steps: nothing it could change. */
export interface EngineView {
  readonly ledger: Ledger;
  readonly instruments: ReadonlyMap<string, Instrument>;
  timeMs(): number;
  /** The venue's pre-trade check: a matching engine takes only orders that pass it. */
  passes(order: OrderCheck): boolean;
}

export interface WorkloadOptions {
  readonly seed: number;
  /** Traders, besides the street and the backstop. */
  readonly traders: number;
  /** Share of steps that crash the process (half of them torn mid-append). */
  readonly crashRate: number;
}

interface Market {
  index: number;
  readonly start: number;
}

const assets = ['BTC', 'ETH', 'USDC'] as const;
const volatility = 0.6;

/**
 * A seeded stream of steps for a venue under strain: prices that walk with fat tails and jumps,
 * a crash now and then, a stablecoin that depegs, an oracle that goes quiet or spikes, ticks
 * that arrive late or out of order; traders in cross, isolated and portfolio margin, trading up
 * to their initial margin and past it where a fill gaps, moving money in and out and between
 * places; the venue's liquidity model filling the engine's liquidation orders (or reporting
 * them unfilled, for the waterfall); and faults: crashes, torn appends, duplicated, reused and
 * reordered messages. Each step is drawn from what the ledger holds now, so it is mostly
 * meaningful (a fill of an account that exists, an order that rests); a share is not, on purpose.
 */
export class Workload {
  private readonly random: () => number;
  private readonly markets = new Map<string, Market>([
    ['BTC', { index: 95_000, start: 95_000 }],
    ['ETH', { index: 3_400, start: 3_400 }],
    ['USDC', { index: 1, start: 1 }],
  ]);
  /** Steps since the start: the depeg's cycle runs on it. */
  private beat = 0;
  /** The commands sent so far that the engine accepted: the faults resend some of them. */
  private readonly sent: Command[] = [];
  private readonly pending: Step[] = [];
  /** Feeds gone quiet (an oracle outage), until when. */
  private readonly quietUntil = new Map<string, number>();
  /** Sources of ETH's index gone wrong, until when: silent, or printing off by `factor`. */
  private readonly brokenSources = new Map<string, { untilMs: number; factor: number }>();
  private nextId = 0;
  readonly traders: readonly string[];
  private readonly poolModes: readonly PoolMode[];

  constructor(private readonly options: WorkloadOptions) {
    this.random = seededRandom(options.seed);
    this.traders = Array.from({ length: options.traders }, (_, i) => `t${i + 1}`);
    this.poolModes = this.traders.map(() => (this.random() < 0.15 ? 'portfolio' : 'cross'));
  }

  /** Remembers a command the engine accepted, for the faults that send one again. */
  accepted(command: Command): void {
    if (this.sent.length < 512) this.sent.push(command);
    else this.sent[Math.floor(this.random() * this.sent.length)] = command;
  }

  /** The venue opening: accounts, their money, their margin modes, the first prices. */
  opening(nowMs: number): Step[] {
    const steps: Step[] = [this.ticks(nowMs)];
    steps.push(this.surface(nowMs));
    const open = (account: string, poolMode: PoolMode): Step =>
      this.command({
        type: 'open_account',
        account,
        poolMode,
      });
    steps.push(open(simStreet, 'cross'), open(simBackstop, 'cross'));
    this.traders.forEach((trader, i) => {
      steps.push(open(trader, this.poolModes[i]!));
    });
    for (const [account, asset, amount] of [
      [simStreet, 'BTC', '100000'],
      [simStreet, 'ETH', '1000000'],
      [simStreet, 'USDC', '10000000000'],
      [simBackstop, 'BTC', '40'],
      [simBackstop, 'ETH', '600'],
      [simBackstop, 'USDC', '4000000'],
      // The venue's own insurance fund, seeded as venues seed theirs.
      [insuranceFund, 'BTC', '20'],
      [insuranceFund, 'ETH', '300'],
      [insuranceFund, 'USDC', '2000000'],
    ] as const) {
      steps.push(this.command({ type: 'deposit', account, asset, amount: parseFixed(amount)! }));
    }
    for (const trader of this.traders) {
      for (const asset of assets) {
        if (this.random() < 0.3) continue;
        steps.push(this.depositOf(trader, asset, 2));
      }
      if (this.random() < 0.3) {
        steps.push(
          this.command({
            type: 'set_margin_mode',
            account: trader,
            instrument: this.pick([simInstruments.btcPerpetual, simInstruments.usdcPerpetual]),
            marginMode: 'isolated',
          }),
        );
      }
    }
    return steps;
  }

  /** The next step, drawn from the engine as it is now. */
  next(view: EngineView): Step {
    this.beat++;
    const queued = this.pending.shift();
    if (queued !== undefined) return queued;
    const r = this.random();
    const crash = this.options.crashRate;
    if (r < crash / 2) return { kind: 'crash' };
    if (r < crash) {
      const step = this.ordinary(view);
      const commands =
        step.kind === 'batch' ? step.commands : step.kind === 'command' ? [step.command] : [];
      return { kind: 'torn_crash', commands };
    }
    const fault = this.random();
    if (fault < 0.01 && this.sent.length > 0) {
      return { kind: 'command', command: this.pick(this.sent), fault: 'duplicate' };
    }
    if (fault < 0.013 && this.sent.length > 0) {
      const earlier = this.pick(this.sent);
      const other = this.ordinary(view);
      if (other.kind === 'command' && other.command.type !== earlier.type) {
        return {
          kind: 'command',
          command: { ...other.command, id: earlier.id },
          fault: 'id_reused',
        };
      }
    }
    if (fault < 0.02) {
      // Two messages swapped in flight: the second drawn is delivered first.
      const first = this.ordinary(view);
      const second = this.ordinary(view);
      this.pending.push(first);
      return second;
    }
    return this.ordinary(view);
  }

  private ordinary(view: EngineView): Step {
    const { ledger } = view;
    const r = this.random();
    if (ledger.liquidations.size > 0 && r < 0.25) return this.liquidityStep(view);
    if (r < 0.45) return this.ticks(view.timeMs());
    if (r < 0.47) return this.surface(view.timeMs());
    if (r < 0.7) return this.trade(view);
    if (r < 0.76) return this.depositOf(this.pick(this.traders), this.pick(assets), 0.5);
    if (r < 0.82) return this.withdrawal();
    if (r < 0.85) return this.transfer();
    if (r < 0.87) return this.isolatedMove(view);
    if (r < 0.88) return this.leverage();
    if (r < 0.93) return this.orderStep(view);
    if (r < 0.95) return this.funding(view);
    if (r < 0.97) return this.placeStep(view);
    if (r < 0.975) return this.haltStep(view);
    if (view.timeMs() >= futureExpiryMs && !ledger.settled.has(simInstruments.future)) {
      const index = this.markets.get('BTC')!.index;
      return this.command({
        type: 'settle_expiry',
        instrument: simInstruments.future,
        price: onTick(index, 0.5),
      });
    }
    return this.ticks(view.timeMs());
  }

  private command(body: CommandBody): Step {
    return { kind: 'command', command: { ...body, id: `s${++this.nextId}` } as Command };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /**
   * Every feed's next tick, in one batch: each index walks (a normal step, a jump now and then, a
   * crash of 8–20 % rarely); USDC depegs for a stretch every few thousand steps; a feed goes quiet
   * for a while (an oracle outage: its prices go stale); ETH's index comes from three sources, one
   * now and then silent or off for a while; one tick in a hundred spikes 30 % (held by
   * the guard until confirmed), arrives late (stale), or repeats an old sequence number.
   */
  private ticks(nowMs: number): Step {
    const commands: Command[] = [];
    const crash = this.random() < 0.002 ? -(0.08 + 0.12 * this.random()) : 0;
    for (const [asset, market] of this.markets) {
      if (asset === 'USDC') {
        const cycle = this.beat % 4000;
        market.index = cycle > 3000 && cycle < 3400 ? 0.9 + 0.05 * this.random() : 1;
      } else {
        market.index = walk(market.index, market.start, this.random, crash);
      }
    }
    if (this.random() < 0.003) {
      const feed = this.pick(['BTC', 'ETH']);
      this.quietUntil.set(feed, nowMs + 60_000 + 120_000 * this.random());
    }
    if (this.random() < 0.004) {
      // A silent source, or one printing 5–15 % off: alone, the median leaves it out; two at
      // once, or the whole feed quiet, and ETH's index is unreliable for a while.
      const factor =
        this.random() < 0.5 ? 0 : 1 + (this.random() < 0.5 ? -1 : 1) * (0.05 + 0.1 * this.random());
      const untilMs = nowMs + 20_000 + 100_000 * this.random();
      this.brokenSources.set(this.pick(simIndexSources), { untilMs, factor });
    }
    const feeds: [PriceFeed, number, number, string?][] = [];
    for (const asset of assets) {
      if ((this.quietUntil.get(asset) ?? 0) > nowMs) continue;
      const index = this.markets.get(asset)!.index;
      if (asset !== 'ETH') {
        feeds.push([`index:${asset}`, index, asset === 'USDC' ? 0.0001 : 0.01]);
        continue;
      }
      for (const source of simIndexSources) {
        const broken = this.brokenSources.get(source);
        if (broken === undefined || broken.untilMs <= nowMs) {
          feeds.push([`index:${asset}`, index * (1 + 0.001 * (this.random() - 0.5)), 0.01, source]);
        } else if (broken.factor > 0) {
          feeds.push([`index:${asset}`, index * broken.factor, 0.01, source]);
        }
      }
    }
    const btc = this.markets.get('BTC')!.index;
    const eth = this.markets.get('ETH')!.index;
    const basis = () => 1 + 0.0004 * (this.random() - 0.5);
    if ((this.quietUntil.get('BTC') ?? 0) <= nowMs) {
      feeds.push([`mark:${simInstruments.btcPerpetual}`, btc * basis(), 0.5]);
      feeds.push([`mark:${simInstruments.usdcPerpetual}`, btc * basis(), 0.5]);
      if (nowMs < futureExpiryMs)
        feeds.push([`mark:${simInstruments.future}`, btc * 1.001 * basis(), 0.5]);
      const years = (optionExpiry - nowMs) / yearMs;
      const call = blackPrice('call', btc, callStrike, Math.max(years, 1e-6), volatility, 0) / btc;
      feeds.push([`mark:${simInstruments.call}`, Math.max(call, 0.0005), 0.0005]);
    }
    if ((this.quietUntil.get('ETH') ?? 0) <= nowMs) {
      feeds.push([`mark:${simInstruments.ethPerpetual}`, eth * basis(), 0.05]);
    }
    for (const [feed, price, tick, source] of feeds) {
      commands.push(this.tick(feed, price, tick, nowMs, source));
    }
    return { kind: 'batch', commands };
  }

  /** Feed sequences as the workload sent them: the engine's may lag one after a lost batch. */
  private readonly sequences = new Map<PriceFeed, number>();

  private tick(
    feed: PriceFeed,
    price: number,
    tick: number,
    nowMs: number,
    source?: string,
  ): Command {
    // A source's ticks are numbered on its own feed.
    const fed = source === undefined ? feed : sourceFeed(feed.slice('index:'.length), source);
    const sequence = (this.sequences.get(fed) ?? 0) + 1;
    let timeMs = nowMs;
    let sent = price;
    let at = sequence;
    const fault = this.random();
    if (fault < 0.003) sent = price * (this.random() < 0.5 ? 0.7 : 1.3);
    else if (fault < 0.006) timeMs = nowMs - 10 * 60_000;
    else if (fault < 0.008 && sequence > 2) at = sequence - 2;
    if (at === sequence) this.sequences.set(fed, sequence);
    return {
      id: `s${++this.nextId}`,
      type: 'price_tick',
      feed,
      ...(source === undefined ? {} : { source }),
      sequence: at,
      timeMs,
      price: onTick(sent, tick),
    };
  }

  private surface(nowMs: number): Step {
    return this.command({
      type: 'volatility_surface',
      underlying: 'BTC',
      sequence: nowMs + 1,
      timeMs: nowMs,
      slices: [
        {
          expiryMs: optionExpiry,
          atmVolatility: volatility * (0.8 + 0.4 * this.random()),
          b: 0.05,
          rho: -0.25,
          m: 0,
          sigma: 0.1,
        },
      ],
    });
  }

  /**
   * A trader's trade against the street: a size up to several times what its collateral would
   * carry at 10×, taken only where the venue's pre-trade check passes it (a matching engine's
   * own), except now and then, as a fill through a gap is.
   */
  private trade(view: EngineView): Step {
    const trader = this.pick(this.traders);
    const account = view.ledger.accounts.get(trader);
    const instrument = view.instruments.get(
      this.pick([
        simInstruments.btcPerpetual,
        simInstruments.btcPerpetual,
        simInstruments.ethPerpetual,
        simInstruments.usdcPerpetual,
        simInstruments.future,
        simInstruments.call,
      ]),
    )!;
    const mark = view.ledger.markPrices.get(instrument.id);
    if (account === undefined || mark === undefined) return this.ticks(view.timeMs());
    const side: Side = this.random() < 0.5 ? 'buy' : 'sell';
    const usd = 500 + this.random() ** 2 * 400_000;
    const price = Number(mark) / Number(SCALE);
    const underlying = this.markets.get(instrument.underlying)!.index;
    const contracts =
      instrument.kind === 'option'
        ? usd / underlying / 10
        : instrument.settlement === 'inverse'
          ? usd / (Number(instrument.contractSize) / Number(SCALE))
          : usd / price;
    const size = onStep(contracts, instrument.sizeStep);
    if (size === 0n) return this.ticks(view.timeMs());
    const slip = 1 + (side === 'buy' ? 1 : -1) * 0.0005 * this.random();
    const fillPrice = onTick(price * slip, Number(instrument.tickSize) / Number(SCALE));
    const forced = this.random() < 0.03;
    if (
      !forced &&
      !view.passes({ account: trader, instrument: instrument.id, side, size, price: fillPrice })
    ) {
      return this.ticks(view.timeMs());
    }
    return this.command({
      type: 'fill',
      instrument: instrument.id,
      takerSide: side,
      size,
      price: fillPrice,
      taker: { account: trader, feeRate: parseFixed('0.0005')! },
      maker: { account: simStreet, feeRate: 0n },
      external: 'maker',
    });
  }

  /**
   * The venue's matching engine on one of the engine's liquidation orders: the liquidity model
   * fills what the book takes within the order's limit (deep on the perpetuals, thin on the
   * future and the call), or reports it unfilled for the waterfall.
   */
  private liquidityStep(view: EngineView): Step {
    const orders = [...view.ledger.liquidations.values()];
    const order = this.pick(orders);
    const instrument = view.instruments.get(order.instrument)!;
    const mark = view.ledger.markPrices.get(order.instrument);
    const depth = instrument.kind === 'perpetual' ? '5000000' : '50000';
    const filled =
      mark === undefined || this.random() < 0.1
        ? undefined
        : liquidityFill(instrument, order, mark, { depth: parseFixed(depth)! });
    if (filled === undefined)
      return this.command({ type: 'liquidation_unfilled', orderId: order.id });
    return this.command(
      liquidationFillOf(
        order,
        filled.size,
        filled.price,
        { account: simStreet, feeRate: 0n },
        'maker',
      ),
    );
  }

  private depositOf(account: string, asset: (typeof assets)[number], scale: number): Step {
    const usd = 200 + this.random() * 60_000 * scale;
    const units = asset === 'USDC' ? usd : usd / this.markets.get(asset)!.index;
    const location = this.random() < 0.2 ? { location: 'arbitrum' } : {};
    return this.command({
      type: 'deposit',
      account,
      asset,
      amount: onStep(units, parseFixed('0.0001')!),
      ...location,
    });
  }

  private withdrawal(): Step {
    const asset = this.pick(assets);
    const usd = 100 + this.random() ** 3 * 80_000;
    const units = asset === 'USDC' ? usd : usd / this.markets.get(asset)!.index;
    return this.command({
      type: 'withdraw',
      account: this.pick(this.traders),
      asset,
      amount: onStep(units, parseFixed('0.0001')!),
    });
  }

  private transfer(): Step {
    const asset = this.pick(assets);
    const usd = 100 + this.random() * 20_000;
    const units = asset === 'USDC' ? usd : usd / this.markets.get(asset)!.index;
    return this.command({
      type: 'transfer',
      from: this.pick(this.traders),
      to: this.pick(this.traders),
      asset,
      amount: onStep(units, parseFixed('0.0001')!),
    });
  }

  private isolatedMove(view: EngineView): Step {
    const trader = this.pick(this.traders);
    const isolated = view.ledger.accounts
      .get(trader)
      ?.positions.filter((p) => p.marginMode === 'isolated');
    const instrument =
      isolated !== undefined && isolated.length > 0
        ? this.pick(isolated).instrument
        : simInstruments.btcPerpetual;
    const asset = instrument === simInstruments.usdcPerpetual ? 'USDC' : 'BTC';
    const usd = (this.random() - 0.4) * 10_000;
    const units = asset === 'USDC' ? usd : usd / this.markets.get('BTC')!.index;
    return this.command({
      type: 'move_isolated_margin',
      account: trader,
      instrument,
      amount: onStep(units, parseFixed('0.0001')!),
    });
  }

  private leverage(): Step {
    return this.command({
      type: 'set_leverage',
      account: this.pick(this.traders),
      instrument: this.pick([simInstruments.btcPerpetual, simInstruments.usdcPerpetual]),
      leverage: parseFixed(this.pick(['5', '10', '20', '25', '50']))!,
    });
  }

  /** An order placed away from the mark, amended or cancelled: its worst case counts in IM. */
  private orderStep(view: EngineView): Step {
    const trader = this.pick(this.traders);
    const resting = view.ledger.accounts.get(trader)?.openOrders ?? [];
    if (resting.length > 0 && this.random() < 0.5) {
      const order = this.pick(resting);
      if (this.random() < 0.5) {
        return this.command({ type: 'cancel_order', account: trader, orderId: order.id! });
      }
      // Moved a few ticks either way (BTC-PERPETUAL's tick is 0.5), never to zero.
      const ticks = BigInt(Math.floor(this.random() * 21) - 10);
      const price = order.price + ticks * parseFixed('0.5')!;
      return this.command({
        type: 'amend_order',
        account: trader,
        orderId: order.id!,
        size: order.size,
        price: price > 0n ? price : order.price,
      });
    }
    const instrument = view.instruments.get(simInstruments.btcPerpetual)!;
    const mark = view.ledger.markPrices.get(instrument.id);
    if (mark === undefined) return this.ticks(view.timeMs());
    const side: Side = this.random() < 0.5 ? 'buy' : 'sell';
    const away = 1 + (side === 'buy' ? -1 : 1) * (0.01 + 0.05 * this.random());
    return this.command({
      type: 'place_order',
      account: trader,
      orderId: `o${this.nextId}`,
      instrument: instrument.id,
      side,
      size: BigInt(1 + Math.floor(this.random() * 3000)) * SCALE,
      price: onTick((Number(mark) / Number(SCALE)) * away, 0.5),
    });
  }

  /** Funding on a perpetual at the hour, at a rate of either sign up to 0.05 %. */
  private funding(view: EngineView): Step {
    const instrument = this.pick([
      simInstruments.btcPerpetual,
      simInstruments.ethPerpetual,
      simInstruments.usdcPerpetual,
    ]);
    const hour = 3_600_000;
    const fundingMs = Math.floor(view.timeMs() / hour) * hour;
    return this.command({
      type: 'funding',
      instrument,
      fundingMs,
      intervalMs: hour,
      rate: onStep((this.random() - 0.5) * 0.001, 10n ** 10n),
    });
  }

  /** Collateral moved between the venue and the second chain, or a move's settlement. */
  private placeStep(view: EngineView): Step {
    const moves = [...view.ledger.pendingMoves.keys()];
    if (moves.length > 0 && this.random() < 0.5) {
      return this.command({ type: 'settle_collateral_move', move: this.pick(moves) });
    }
    const asset = this.pick(assets);
    const usd = 100 + this.random() * 10_000;
    const units = asset === 'USDC' ? usd : usd / this.markets.get(asset)!.index;
    const toChain = this.random() < 0.5;
    return this.command({
      type: 'move_collateral',
      account: this.pick(this.traders),
      asset,
      amount: onStep(units, parseFixed('0.0001')!),
      from: toChain ? 'venue' : 'arbitrum',
      to: toChain ? 'arbitrum' : 'venue',
    });
  }

  private haltStep(view: EngineView): Step {
    const instrument = this.pick([simInstruments.ethPerpetual, simInstruments.usdcPerpetual]);
    const halted = view.ledger.halted.has(instrument);
    return this.command({ type: halted ? 'resume_instrument' : 'halt_instrument', instrument });
  }
}

/** The index's next value: a normal step (Box–Muller), a 2–6 % jump one time in fifty, a crash. */
function walk(index: number, start: number, random: () => number, crash: number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  const step = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()) * 0.002;
  const jump = random() < 0.02 ? (random() < 0.5 ? -1 : 1) * (0.02 + 0.04 * random()) : 0;
  // Pulled back towards its start over time, so a long run stays within a sane range.
  const pull = -0.002 * Math.log(index / start);
  return index * Math.exp(step + jump + crash + pull);
}

/** A float price as the venue's tick, nearest, at least one tick. */
function onTick(price: number, tick: number): Price {
  const ticks = Math.max(1, Math.round(price / tick));
  return BigInt(ticks) * parseFixed(String(tick))!;
}

/** A float quantity on `step` (fixed-point), rounded down: zero where it is under one step. */
function onStep(value: number, step: bigint): bigint {
  const units = Math.trunc(value / (Number(step) / Number(SCALE)));
  const sign = units < 0 ? -1n : 1n;
  return sign * BigInt(Math.abs(units)) * step;
}
