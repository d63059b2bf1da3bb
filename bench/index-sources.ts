import type { Command, CommandBody } from '../src/core/engine/command.ts';
import { judgeCommand } from '../src/core/engine/execute.ts';
import { sourceFeed } from '../src/core/engine/index-sources.ts';
import { MarginBook } from '../src/core/engine/margin-book.ts';
import { applyRecord, type Ledger } from '../src/core/ledger/ledger.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { fixed } from '../src/core/num/fixed.ts';
import { benchContext, bookOf, venueOf } from './engine.ts';
import { timing } from './timing.ts';

const sources = ['binance', 'okx', 'bybit', 'coinbase', 'kraken', 'bitstamp', 'gemini'];

/**
 * Issue 11 item 4: SOL's index from seven sources (index-sources.ts) against the same index as one
 * feed, on the engine's book of section 8 (1 to 4 perpetuals an account, 1 in 10 near
 * maintenance, about half the accounts holding SOLUSDT). Timed per command: decide (the source's
 * guard, the median of the seven, the index's event where it moves), the margin states of SOL's
 * holders where the index moved (the fast path's tick), apply. The one-feed index moves 0.05 % a
 * tick; the seven sources step to the same price in turn, so one tick in seven moves the median
 * (the fourth to arrive) and six do not: a rotation of seven is one index move, as the one feed's
 * tick is. Not inside: the event store's append (section 7).
 */
export function indexSourcesBench(quick: boolean): void {
  const { race } = timing(quick);
  const count = quick ? 5_000 : 20_000;
  const nowMs = Date.UTC(2026, 11, 1, 12);
  const plainVenue = venueOf();
  const index = {
    sources,
    minHealthy: 4,
    maxDeviation: fixed('0.03'),
    staleAfterMs: 60_000,
    pauseMaxMs: 600_000,
  };
  const sourcedVenue: Venue = {
    ...plainVenue,
    rulebook: { ...plainVenue.rulebook, index: new Map([['SOL', index]]) },
  };
  const engine = (venue: Venue) => {
    const ledger = bookOf(count, venue, nowMs);
    const context = benchContext(venue, nowMs);
    const book = new MarginBook();
    let n = 0;
    const run = (command: CommandBody) => {
      n += 1;
      const { record } = judgeCommand(
        ledger,
        { ...command, id: `c${n}` } as Command,
        context,
        book,
      );
      if (record === undefined) throw new Error(`refused: ${command.type}`);
      applyRecord(ledger, record);
    };
    return { ledger, run };
  };
  const sequence = (ledger: Ledger, feed: string) =>
    (ledger.feeds.get(feed as never)?.sequence ?? 0) + 1;
  const plain = engine(plainVenue);
  const sourced = engine(sourcedVenue);
  for (const source of sources) {
    const feed = sourceFeed('SOL', source);
    sourced.run({
      type: 'price_tick',
      feed: 'index:SOL',
      source,
      sequence: sequence(sourced.ledger, feed),
      timeMs: nowMs,
      price: fixed('190'),
    });
  }
  // Each engine's own direction: SOL between 190 and 190.095, one move a call.
  const at = (up: boolean) => fixed(up ? '190.095' : '190');
  let plainUp = false;
  let sourcedUp = false;
  const oneFeed = () => {
    plainUp = !plainUp;
    plain.run({
      type: 'price_tick',
      feed: 'index:SOL',
      sequence: sequence(plain.ledger, 'index:SOL'),
      timeMs: nowMs,
      price: at(plainUp),
    });
  };
  let turn = 0;
  const sevenSources = () => {
    if (turn % sources.length === 0) sourcedUp = !sourcedUp;
    const source = sources[turn % sources.length]!;
    turn += 1;
    sourced.run({
      type: 'price_tick',
      feed: 'index:SOL',
      source,
      sequence: sequence(sourced.ledger, sourceFeed('SOL', source)),
      timeMs: nowMs,
      price: at(sourcedUp),
    });
  };
  // A rotation of the seven is timed whole, so each sample holds one index move.
  const rotation = () => {
    for (let i = 0; i < sources.length; i++) sevenSources();
  };
  const [single, seven] = race([oneFeed, rotation]);
  const holders = [...plain.ledger.accounts.values()].filter((a) =>
    a.positions.some((p) => p.instrument === 'SOLUSDT'),
  ).length;
  console.log(
    `\n13. An index from seven sources (issue 11), ${count.toLocaleString('en-US')} accounts, ` +
      `${holders.toLocaleString('en-US')} holding SOLUSDT`,
  );
  console.log(
    `    one feed's tick moving SOL 0.05 %                 ${(single!.medianUs / 1000).toFixed(2).padStart(8)} ms   baseline`,
  );
  console.log(
    `    seven sources' ticks, one of them moving the median ${(seven!.medianUs / 1000).toFixed(2).padStart(8)} ms   ×${(seven!.medianUs / single!.medianUs).toFixed(2)}`,
  );
}
