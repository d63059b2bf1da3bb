import type { BucketReport, PositionReport } from '../../core/margin/risk-report.ts';
import { toNumber } from '../../core/num/fixed.ts';
import type { UnderlyingRisk } from '../../core/portfolio/portfolio-risk.ts';
import type { VolShock } from '../../core/pricing/vol-shock.ts';
import { amountDown, amountUp, grouped, positionLabel, priceAt, sizeAt } from './figures.ts';
import { Painted, printable } from './printable.ts';
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
    `Portfolio margin of bucket ${printable(bucket.id)}: maintenance ${amountUp(portfolio.maintenanceMargin)} ` +
      `USD, initial ${amountUp(portfolio.initialMargin)} USD` +
      factorText(portfolio.underlyings, portfolio.maintenanceMargin, portfolio.initialMargin),
  ];
  for (const risk of portfolio.underlyings) sections.push(underlyingText(risk, color));
  for (const credit of portfolio.credits) {
    // A sentence, not a table cell: the underlyings escaped here (printable.ts), once.
    const a = printable(credit.underlyings[0]);
    const b = printable(credit.underlyings[1]);
    const [toA, toB] = credit.amounts;
    sections.push(
      `Credit ${a}/${b}: ${credit.spreads.toPrecision(6)} spreads, −${usd(toA)} to ${a}, ` +
        `−${usd(toB)} to ${b}`,
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
  const binding =
    risk.binding < 0 ? 'no scenario loses' : `binding loss ${usd(risk.scanLoss)} USD (*)`;
  const underlying = printable(risk.underlying);
  return [
    `${underlying}: scenario P&L in USD, price move × volatility shock; ${binding}`,
    heatMap,
    extremes.length > 0 ? `extreme moves: ${extremes.join(', ')}` : '',
    requirementText(risk),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * What adds up to the underlying's requirement: each holding's share of the binding scenario's
 * weighted loss (they sum to the scan loss), the add-ons, the credit, then the floors.
 */
function requirementText(risk: UnderlyingRisk): string {
  const { charges } = risk;
  const weight = risk.binding < 0 ? 0 : risk.scenarios[risk.binding]!.weight;
  const addOns = risk.outright - risk.scanLoss;
  const rows = [
    ...risk.contributions.map((c) => [`  ${c.holding}`, usd(-c.pnl * weight)]),
    ['scan loss (the sum above)', usd(risk.scanLoss)],
    [
      `add-ons: roll ${usd(charges.roll)}, basis ${usd(charges.basis)}, calendar ` +
        `${usd(charges.calendar)}, delivery ${usd(charges.delivery)}, delta shock ` +
        `${usd(charges.deltaShock)}`,
      usd(addOns),
    ],
    ['outright', usd(risk.outright)],
    ['credit between underlyings', risk.credit > 0 ? `−${usd(risk.credit)}` : usd(0)],
    [
      `floors: short-option minimum ${usd(charges.shortOptionMinimum)}, contract floor ` +
        `${usd(charges.contractFloor)}`,
      usd(Math.max(charges.shortOptionMinimum, charges.contractFloor)),
    ],
    ['requirement (the larger of outright − credit and the floors)', usd(risk.requirement)],
  ];
  return (
    `What makes ${printable(risk.underlying)}'s requirement (USD; a holding's share of the binding loss is ` +
    `its P&L there${weight !== 1 && weight !== 0 ? ` × the scenario's weight ${weight}` : ''}, ` +
    'a loss positive):\n' +
    table(['term', 'USD'], rows)
  );
}

/**
 * The positions of a portfolio bucket: margined as one book, so each shows what it adds to its
 * underlying's binding scenario loss, not a standard margin of its own.
 */
export function portfolioPositionsText(
  bucket: BucketReport,
  positions: readonly PositionReport[],
): string {
  const shares = new Map<string, { underlying: string; share: number }>();
  for (const risk of bucket.portfolio?.underlyings ?? []) {
    const weight = risk.binding < 0 ? 0 : risk.scenarios[risk.binding]!.weight;
    for (const c of risk.contributions) {
      shares.set(c.holding, { underlying: risk.underlying, share: -c.pnl * weight });
    }
  }
  const rows = positions.map((position) => {
    const share = shares.get(position.instrument);
    return [
      positionLabel(position),
      position.bucket,
      sizeAt(position.size, position.sizeStep),
      position.priceCurrency,
      priceAt(position.entryPrice, position.tickSize),
      priceAt(position.markPrice, position.tickSize),
      amountDown(position.unrealisedPnlValue),
      amountDown(position.equityValue),
      share === undefined ? '-' : share.underlying,
      share === undefined ? '-' : usd(share.share),
    ];
  });
  return (
    `Positions of portfolio bucket ${printable(bucket.id)} (size in contracts; USD figures; margined as one ` +
    "book: each adds its share to its underlying's binding loss, the requirement's first term):\n" +
    table(
      [
        'position',
        'bucket',
        'contracts',
        'price in',
        'entry',
        'mark',
        'uPnL USD',
        'value USD',
        'underlying',
        'adds to loss',
      ],
      rows,
      2,
    )
  );
}

/** How the bucket's requirement follows from its underlyings' (the rulebook's two factors). */
function factorText(
  underlyings: readonly UnderlyingRisk[],
  maintenance: bigint,
  initial: bigint,
): string {
  const total = underlyings.reduce((sum, risk) => sum + risk.requirement, 0);
  if (total <= 0) return '';
  const factor = toNumber(maintenance) / total;
  const toInitial = maintenance === 0n ? 0 : toNumber(initial) / toNumber(maintenance);
  return (
    ` (Σ underlyings' requirements ${usd(total)} × the maintenance factor ${factor.toFixed(4)}; ` +
    `initial × ${toInitial.toFixed(4)})`
  );
}

function usd(value: number): string {
  if (Object.is(value, -0)) return usd(0);
  return grouped(value, 2);
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
function shade(text: string, share: number): Painted {
  const steps = [52, 88, 124, 160, 196];
  const gains = [22, 28, 34, 40, 46];
  const level = Math.min(4, Math.floor(Math.abs(share) * 5));
  const background = share < 0 ? steps[level] : gains[level];
  return new Painted(text, `\u001b[48;5;${background}m\u001b[97m`);
}
