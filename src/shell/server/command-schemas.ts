import { type TObject, type TProperties, Type } from '@sinclair/typebox';

/**
 * The bodies of the engine's command routes as JSON Schema (typebox): what the OpenAPI document
 * publishes and what fastify checks first, each the JSON a line of `xmargin run`'s command file
 * holds without its `type` (the route names it). Shape only: a decimal's places, the limits and
 * what a field means are the command reader's (command-file.ts) to judge, naming the field.
 */

const decimal = (description: string) =>
  Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description, examples: ['0.1'] });
const name = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });
const wholeMs = (description: string) => Type.Integer({ minimum: 0, description });
const side = Type.Union([Type.Literal('buy'), Type.Literal('sell')]);
const positionSide = Type.Union([Type.Literal('long'), Type.Literal('short')]);
const marginMode = Type.Union([Type.Literal('cross'), Type.Literal('isolated')]);

/** Every command's head: its id (the same id and body answer once) and optional time to live. */
const head = {
  id: name('The command id: the same id with the same body has one effect'),
  issuedAtMs: Type.Optional(wholeMs('When the sender issued it (log time, ms)')),
  timeToLiveMs: Type.Optional(wholeMs('Refused once the log time passes issuedAtMs + this')),
};

function command<P extends TProperties>(description: string, properties: P) {
  return Type.Object({ ...head, ...properties }, { additionalProperties: false, description });
}

const account = name('The account');
const instrument = name('The instrument');
const asset = name('The asset');
const amount = decimal('An amount of the asset, a decimal string');

const party = Type.Object(
  {
    account,
    feeRate: decimal('Fee rate of the notional (negative: a rebate)'),
    positionSide: Type.Optional(positionSide),
    marginMode: Type.Optional(marginMode),
    orderId: Type.Optional(name('The resting order this fill takes from')),
  },
  { additionalProperties: false },
);

const fill = command('A fill from the matching engine, both sides', {
  instrument,
  takerSide: side,
  size: decimal('Contracts'),
  price: decimal('The fill price'),
  taker: party,
  maker: party,
  external: Type.Optional(Type.Union([Type.Literal('taker'), Type.Literal('maker')])),
  indexPrice: Type.Optional(decimal('The index at the fill (an option fee cap reads it)')),
  optionFeeCap: Type.Optional(decimal('The option fee cap, a share of the premium')),
});

const tick = command('A price from a feed, with the feed’s sequence number and stamp', {
  feed: Type.String({ pattern: '^(mark|index):.', description: 'mark:INSTRUMENT or index:ASSET' }),
  source: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'For an index computed from several sources: the source the price is from',
    }),
  ),
  sequence: wholeMs('The feed’s sequence number'),
  timeMs: wholeMs('The feed’s stamp (ms)'),
  price: decimal('The price'),
});

const slice = Type.Object(
  {
    expiry: Type.String({ description: 'UTC time, 2026-12-26T08:00:00Z' }),
    atmVolatility: decimal('At-the-money volatility, e.g. "0.52"'),
    b: decimal('SVI b'),
    rho: decimal('SVI rho'),
    m: decimal('SVI m'),
    sigma: decimal('SVI sigma'),
  },
  { additionalProperties: false },
);

const premium = Type.Object(
  {
    samples: Type.Array(
      Type.Object(
        {
          impactBid: decimal('Impact bid'),
          impactAsk: decimal('Impact ask'),
          index: decimal('Index'),
        },
        { additionalProperties: false },
      ),
    ),
    weighting: Type.Union([Type.Literal('linear'), Type.Literal('equal')]),
    terms: Type.Object(
      {
        referencePeriodMs: wholeMs('The period the interest rate is quoted for'),
        interestRate: decimal('Interest rate per reference period'),
        dampener: decimal('The ±band the premium moves within before it counts'),
        proration: Type.Union([
          Type.Literal('rate'),
          Type.Literal('interest'),
          Type.Literal('none'),
        ]),
      },
      { additionalProperties: false },
    ),
    bounds: Type.Object(
      { cap: decimal('Cap'), floor: decimal('Floor'), rateDecimals: Type.Integer({ minimum: 0 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** Each command route's body by the command type it submits. */
export const commandBodies = {
  open_account: command('Open an account (its pool’s margin mode)', {
    account,
    poolMode: Type.Optional(Type.Union([Type.Literal('cross'), Type.Literal('portfolio')])),
  }),
  deposit: command('Collateral in', {
    account,
    asset,
    amount,
    location: Type.Optional(name('Place')),
  }),
  withdraw: command('Collateral out: refused past initial margin with paper profit left out', {
    account,
    asset,
    amount,
    location: Type.Optional(name('Place')),
  }),
  transfer: command('Collateral between two accounts', {
    from: account,
    to: account,
    asset,
    amount,
  }),
  move_collateral: command('Collateral between two places of one account', {
    account,
    asset,
    amount,
    from: name('Place it leaves'),
    to: name('Place it goes to'),
  }),
  settle_collateral_move: command('A pending move between places arrived', {
    move: name('The move'),
  }),
  move_isolated_margin: command('Collateral into (+) or out of (−) an isolated position', {
    account,
    instrument,
    side: Type.Optional(positionSide),
    amount: decimal('Positive in, negative out'),
  }),
  set_leverage: command('The account’s leverage on an instrument', {
    account,
    instrument,
    leverage: decimal('Leverage, e.g. "20"'),
  }),
  set_margin_mode: command('The mode the next position on the instrument opens in', {
    account,
    instrument,
    marginMode,
  }),
  place_order: command('An order resting on the venue’s book', {
    account,
    orderId: name('The order id'),
    instrument,
    side,
    size: decimal('Contracts'),
    price: decimal('Limit price'),
  }),
  amend_order: command('A resting order’s new size and price', {
    account,
    orderId: name('The order id'),
    size: decimal('Contracts'),
    price: decimal('Limit price'),
  }),
  cancel_order: command('A resting order cancelled', { account, orderId: name('The order id') }),
  fill,
  price_tick: tick,
  volatility_surface: command('An underlying’s volatility surface (SVI slices)', {
    underlying: asset,
    sequence: wholeMs('The feed’s sequence number'),
    timeMs: wholeMs('The feed’s stamp (ms)'),
    slices: Type.Array(slice),
  }),
  funding: command('A perpetual’s funding interval: a rate, or the premium it comes from', {
    instrument,
    fundingMs: wholeMs('The funding time (ms)'),
    intervalMs: wholeMs('The market’s funding interval (ms)'),
    rate: Type.Optional(decimal('The rate of the interval')),
    premium: Type.Optional(premium),
  }),
  settle_expiry: command('A dated future or option settled at its expiry', {
    instrument,
    price: decimal('The settlement price'),
  }),
  liquidation_unfilled: command(
    'The matching engine could not fill a liquidation order: the loss waterfall takes it',
    { orderId: name('The liquidation order id (liq-N)') },
  ),
  halt_instrument: command('Trading on an instrument halted', { instrument }),
  resume_instrument: command('Trading on a halted instrument resumed', { instrument }),
  pre_trade_check: Type.Object(
    {
      id: head.id,
      issuedAtMs: head.issuedAtMs,
      account,
      instrument,
      side,
      size: decimal('Contracts'),
      price: Type.Optional(decimal('Limit price; absent: a market order at the mark')),
    },
    { additionalProperties: false, description: 'Would this order be accepted? Changes nothing' },
  ),
} satisfies Record<string, TObject>;

export type CommandType = keyof typeof commandBodies;

/** A batch of one command type: each checked before any is applied. */
export function batchOf(item: TObject, max: number) {
  return Type.Object(
    { items: Type.Array(item, { minItems: 1, maxItems: max }) },
    { additionalProperties: false },
  );
}
