import type { BucketReport } from '../../core/margin/risk-report.ts';
import type { UnderlyingRisk } from '../../core/portfolio/portfolio-risk.ts';
import type { VolShock } from '../../core/pricing/vol-shock.ts';
import { amountUp } from './figures.ts';
import { table } from './table.ts';

/**
 * A portfolio bucket explained: per underlying, the scenario P&L as a heat map (price moves down,
 * volatility shocks across; the binding cell starred), the extreme moves at their cover, each
 * add-on, and what each holding contributes to the binding loss.
 */
export function portfolioText(bucket: BucketReport, color: boolean): string {
  const portfolio = bucket.portfolio;
  if (portfolio === undefined) return '';
  const sections = [
    `Portfolio margin of bucket ${bucket.id}: maintenance ${amountUp(portfolio.maintenanceMargin)}, ` +
      `initial ${amountUp(portfolio.initialMargin)} USD`,
  ];
  for (const risk of portfolio.underlyings) sections.push(underlyingText(risk, color));
  for (const credit of portfolio.credits) {
    const [a, b] = credit.underlyings;
    const [toA, toB] = credit.amounts;
    sections.push(
      `Credit ${a}/${b}: ${credit.spreads.toPrecision(6)} spreads, −${usd(toA)} to ${a}, −${usd(toB)} to ${b}`,
    );
  }
  return sections.join('\n\n');
}

function underlyingText(risk: UnderlyingRisk, color: boolean): string {
  const { grid, scenarios, pnl } = risk;
  const shocks = grid.volShocks.length;
  const worst = Math.max(1, ...Array.from(pnl, (value) => Math.abs(value)));
  const cell = (s: number) => {
    const text = `${usd(pnl[s]!)}${s === risk.binding ? '*' : ''}`;
    return color ? shade(text, pnl[s]! / worst) : text;
  };
  // Moves stated in scan ranges are multiples of each contract's own range, not of price.
  const moveLabel = (move: number) =>
    grid.scanRanges === undefined
      ? signedPercent(move)
      : `${move >= 0 ? '+' : ''}${move.toFixed(3)}×range`;
  const rows = grid.priceMoves.map((move, p) => [
    moveLabel(move),
    ...grid.volShocks.map((_, v) => cell(p * shocks + v)),
  ]);
  const heatMap = table(['move', ...grid.volShocks.map(shockLabel)], rows);
  const extremes = scenarios
    .map((scenario, s) => ({ scenario, s }))
    .filter(({ scenario }) => scenario.extreme)
    .map(({ scenario, s }) => `${moveLabel(scenario.priceMove)} → ${cell(s)} × ${scenario.weight}`);
  const { charges } = risk;
  const binding = risk.binding < 0 ? 'no scenario loses' : `binding loss ${usd(risk.scanLoss)} (*)`;
  return [
    `${risk.underlying}: scenario P&L in USD, price move × volatility shock; ${binding}`,
    heatMap,
    extremes.length > 0 ? `extreme moves: ${extremes.join(', ')}` : '',
    `add-ons: basis ${usd(charges.basis)}, calendar ${usd(charges.calendar)}, ` +
      (charges.delivery > 0 ? `delivery ${usd(charges.delivery)}, ` : '') +
      `delta shock ${usd(charges.deltaShock)}; floors: short-option minimum ` +
      `${usd(charges.shortOptionMinimum)}, contract floor ${usd(charges.contractFloor)}; ` +
      `outright ${usd(risk.outright)}` +
      (risk.credit > 0 ? `, credit −${usd(risk.credit)}` : '') +
      `; requirement ${usd(risk.requirement)}`,
    `at the binding scenario: ${risk.contributions
      .map((c) => `${c.holding} ${c.pnl >= 0 ? '+' : ''}${usd(c.pnl)}`)
      .join(', ')}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function usd(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function signedPercent(fraction: number): string {
  const text = `${(fraction * 100).toFixed(2)}%`;
  return fraction > 0 ? `+${text}` : text;
}

function shockLabel(shock: VolShock): string {
  const parts: string[] = [];
  if (shock.parallel !== 0)
    parts.push(`${shock.parallel > 0 ? '+' : ''}${(shock.parallel * 100).toFixed(1)}pt`);
  if (shock.proportional !== 0)
    parts.push(`${shock.proportional > 0 ? '+' : ''}${(shock.proportional * 100).toFixed(0)}%`);
  return `vol ${parts.length === 0 ? 'flat' : parts.join(' ')}`;
}

/** Red for a loss, green for a gain, deeper the larger against the worst cell (256 colours). */
function shade(text: string, share: number): string {
  const steps = [52, 88, 124, 160, 196];
  const gains = [22, 28, 34, 40, 46];
  const level = Math.min(4, Math.floor(Math.abs(share) * 5));
  const background = share < 0 ? steps[level] : gains[level];
  return `\u001b[48;5;${background}m\u001b[97m${text}\u001b[0m`;
}
