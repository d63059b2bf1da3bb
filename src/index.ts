/**
 * xmargin as a library: read a portfolio and a venue's rulebook, then ask the exact core what each
 * account is worth, needs and may still do. Everything here is re-exported from where it lives;
 * the CLI (src/shell/cli) is built on the same calls.
 */

export {
  type CommandAnswer,
  type CommandBody,
  type StreamMessage,
  XmarginClient,
  XmarginError,
} from './client/client.ts';
export { type AssessOptions, assess, assessWith } from './core/margin/assess.ts';
export type { CollateralLine } from './core/margin/collateral-lines.ts';
export { type Comparison, compareModes, type PositionMove } from './core/margin/compare.ts';
export { applyHypothetical, type Hypothetical } from './core/margin/hypothetical.ts';
export { liquidationQueue, type QueuedAccount } from './core/margin/liquidation-queue.ts';
export type { BucketReport, PositionReport, RiskReport } from './core/margin/risk-report.ts';
export {
  type Judgement,
  judge,
  maxOrderSize,
  maxWithdrawal,
  type Verdict,
  verdict,
} from './core/margin/what-if.ts';
export type { Account } from './core/model/account.ts';
export type { Market } from './core/model/market.ts';
export { type Portfolio, venueOf } from './core/model/portfolio.ts';
export { marketView, type PriceView } from './core/model/price-view.ts';
export type { Rulebook } from './core/model/rulebook.ts';
export type { Venue } from './core/model/venue.ts';
export {
  type Amount,
  fixed,
  formatFixed,
  type Price,
  parseFixed,
  type Quantity,
} from './core/num/fixed.ts';
export {
  type InputFormat,
  type LoadOptions,
  loadPortfolio,
} from './shell/import/load-portfolio.ts';
export { readPortfolio } from './shell/import/portfolio-file.ts';
export { presetIds, readPreset, readRulebookFile } from './shell/import/presets.ts';
export { InputError } from './shell/import/reader.ts';
export { type RunningServer, type StartOptions, startServer } from './shell/server/start-server.ts';
