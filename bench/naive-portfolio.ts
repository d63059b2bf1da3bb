/**
 * The naive way to scan a book, for the benchmark's baseline: every position priced afresh in
 * every scenario (positions × scenarios option pricings), no risk arrays. It computes the same
 * scenario P&L as the engine's risk arrays, so the benchmark also checks the two agree.
 */
import { toNumber } from '../src/core/num/fixed.ts';
import { optionPremium } from '../src/core/portfolio/option-premium.ts';
import { scenariosOf } from '../src/core/portfolio/scenarios.ts';
import { unshocked } from '../src/core/pricing/vol-shock.ts';
import type { OptionBook } from './option-book.ts';

/** Scenario P&L by underlying, in USD (gain positive). */
export function naiveScenarioPnl(
  positions: readonly { instrument: string; size: bigint }[],
  book: OptionBook,
): Map<string, Float64Array> {
  const rule = book.venue.rulebook.portfolio!;
  const scenarios = scenariosOf(rule.grid);
  const byUnderlying = new Map<string, Float64Array>();
  for (const position of positions) {
    const instrument = book.venue.instruments.get(position.instrument)!;
    const underlying = instrument.underlying;
    let pnl = byUnderlying.get(underlying);
    if (pnl === undefined) {
      pnl = new Float64Array(scenarios.length);
      byUnderlying.set(underlying, pnl);
    }
    const index = toNumber(book.market.assetPrices.get(underlying)!);
    const surface = book.market.volatility!.get(underlying)!;
    const size = toNumber(position.size) * toNumber(instrument.contractSize);
    const base = optionPremium(instrument, index, surface, book.market.asOfMs!, unshocked, 0);
    for (let s = 0; s < scenarios.length; s += 1) {
      const scenario = scenarios[s]!;
      const moved = optionPremium(
        instrument,
        index * (1 + scenario.priceMove),
        surface,
        book.market.asOfMs!,
        scenario.volShock,
        rule.grid.lookaheadYears,
      );
      pnl[s] = pnl[s]! + size * (moved - base);
    }
  }
  return byUnderlying;
}
