/**
 * Drift: the SDK's real `User.getMarginCalculation` (the single pass behind
 * `getMarginRequirement`, `getTotalCollateral` and `getFreeCollateral`), run offline.
 *
 * How it is constructed without a connection:
 *   - `new User({ driftClient, userAccountPublicKey,
 *       accountSubscription: { type: 'custom', userAccountSubscriber } })`: 'custom' is the SDK's
 *     own hook for supplying a `UserAccountSubscriber`; ours hands back a synthetic `UserAccount`
 *     and never subscribes to anything.
 *   - `driftClient` is a plain object with the six getters the margin path calls
 *     (get{Perp,Spot}MarketAccount, getOracleDataFor{Perp,Spot}Market,
 *     getMMOracleDataForPerpMarket, getStateAccount), each an array index into synthetic
 *     `PerpMarketAccount` / `SpotMarketAccount` / `OraclePriceData` objects. Drift's own test
 *     helper (tests/user/helpers.ts, `makeMockUser`) overrides exactly these getters on a
 *     DriftClient it never connects. Here no `Connection`, no `DriftClient`, no socket is created.
 * Everything from `getMarginCalculation` down (worst-case perp liability, market margin ratio,
 * size premium, unrealised-PnL asset weight, spot asset/liability weights, token amounts) is the
 * SDK's code, unmodified.
 */
import { EventEmitter } from 'node:events';
import {
  AssetTier,
  BN,
  ContractTier,
  ContractType,
  type DriftClient,
  MarginMode,
  MarketStatus,
  type MMOraclePriceData,
  type OraclePriceData,
  OracleSource,
  type PerpMarketAccount,
  type PerpPosition,
  PublicKey,
  SPOT_MARKET_CUMULATIVE_INTEREST_PRECISION,
  SpotBalanceType,
  type SpotMarketAccount,
  type SpotPosition,
  User,
  type UserAccount,
  type UserAccountSubscriber,
} from '@drift-labs/sdk';
import { fixed, type Portfolio } from '../portfolios.ts';

/** Drift's fixed-point scales, as decimals. */
const PRICE_DECIMALS = 6; // PRICE_PRECISION
const QUOTE_DECIMALS = 6; // QUOTE_PRECISION
const BASE_DECIMALS = 9; // BASE_PRECISION = AMM_RESERVE_PRECISION
const SPOT_BALANCE_DECIMALS = 9; // SPOT_MARKET_BALANCE_PRECISION
const WEIGHT_DECIMALS = 4; // SPOT_MARKET_WEIGHT_PRECISION and MARGIN_PRECISION
const SPOT_TOKEN_DECIMALS = 6; // every synthetic spot mint, USDC included

const bn = (decimal: string, decimals: number): BN => new BN(fixed(decimal, decimals).toString());
const int = (decimal: string, decimals: number): number => Number(fixed(decimal, decimals));
const Z = (): BN => new BN(0);

export interface DriftSide {
  readonly user: User;
  readonly userAccount: UserAccount;
}

export interface DriftFigures {
  readonly initialCollateral: number;
  readonly initialRequirement: number;
  readonly maintenanceCollateral: number;
  readonly maintenanceRequirement: number;
}

type MarginCalculation = ReturnType<User['getMarginCalculation']>;

/** One account's full assessment: initial and maintenance, each one pass of the SDK (timed). */
export function driftRaw(side: DriftSide): [MarginCalculation, MarginCalculation] {
  return [side.user.getMarginCalculation('Initial'), side.user.getMarginCalculation('Maintenance')];
}

/** The same, in USD. */
export function driftAssess(side: DriftSide): DriftFigures {
  const [initial, maintenance] = driftRaw(side);
  return {
    initialCollateral: usd(initial.totalCollateral),
    initialRequirement: usd(initial.marginRequirement),
    maintenanceCollateral: usd(maintenance.totalCollateral),
    maintenanceRequirement: usd(maintenance.marginRequirement),
  };
}

/** The same figures through the public wrappers a Drift integrator calls, to show they agree. */
export function driftWrappers(side: DriftSide): DriftFigures {
  const u = side.user;
  return {
    initialCollateral: usd(u.getTotalCollateral('Initial', true)),
    initialRequirement: usd(u.getInitialMarginRequirement()),
    maintenanceCollateral: usd(u.getTotalCollateral('Maintenance')),
    maintenanceRequirement: usd(u.getMaintenanceMarginRequirement()),
  };
}

const usd = (quote: BN): number => Number(quote.toString()) / 10 ** QUOTE_DECIMALS;

export function driftSide(p: Portfolio): DriftSide {
  const nowSec = new BN(Math.floor(Date.now() / 1000));
  const spotMarkets = p.assets.map((a, i) => spotMarket(i, a.price, weightsOf(a), nowSec));
  const perpMarkets = p.perps.map((q, i) =>
    perpMarket(i, q.markPrice, q.initialRate, q.maintenanceRate, nowSec),
  );
  const spotOracles = p.assets.map((a) => oracle(a.price));
  const perpOracles = p.perps.map((q) => oracle(q.markPrice));
  const perpMmOracles: MMOraclePriceData[] = perpOracles.map((o) => ({
    price: o.price,
    slot: o.slot,
    confidence: o.confidence,
    hasSufficientNumberOfDataPoints: true,
    isMMOracleActive: true,
  }));

  const spotPositions: SpotPosition[] = p.assets.map((a, i) => spotPosition(i, a.balance));
  const perpPositions: PerpPosition[] = p.perps.map((q, i) =>
    perpPosition(i, q.size, q.entryPrice),
  );
  // A decoded account always has 8 slots of each; pad like the chain does.
  while (spotPositions.length < 8) spotPositions.push(emptySpotPosition());
  while (perpPositions.length < 8) perpPositions.push(perpPosition(0, '0', '0'));
  const userAccount = userAccountOf(spotPositions, perpPositions);

  const driftClient = {
    getPerpMarketAccount: (i: number) => perpMarkets[i],
    getSpotMarketAccount: (i: number) => spotMarkets[i],
    getOracleDataForPerpMarket: (i: number) => perpOracles[i],
    getOracleDataForSpotMarket: (i: number) => spotOracles[i],
    getMMOracleDataForPerpMarket: (i: number) => perpMmOracles[i],
    getStateAccount: () => ({ liquidationMarginBufferRatio: 0 }),
  } as unknown as DriftClient;

  const subscriber: UserAccountSubscriber = {
    eventEmitter: new EventEmitter() as UserAccountSubscriber['eventEmitter'],
    isSubscribed: true,
    subscribe: async () => true,
    fetch: async () => {},
    updateData: () => {},
    unsubscribe: async () => {},
    getUserAccountAndSlot: () => ({ data: userAccount, slot: 0 }),
  };
  const user = new User({
    driftClient,
    userAccountPublicKey: PublicKey.default,
    accountSubscription: { type: 'custom', userAccountSubscriber: subscriber },
  });
  user.isSubscribed = true;
  return { user, userAccount };
}

interface Weights {
  initialAssetWeight: number;
  maintenanceAssetWeight: number;
  initialLiabilityWeight: number;
  maintenanceLiabilityWeight: number;
}

function weightsOf(a: Portfolio['assets'][number]): Weights {
  return {
    initialAssetWeight: int(a.initialAssetWeight, WEIGHT_DECIMALS),
    maintenanceAssetWeight: int(a.maintenanceAssetWeight, WEIGHT_DECIMALS),
    initialLiabilityWeight: int(a.initialLiabilityWeight, WEIGHT_DECIMALS),
    maintenanceLiabilityWeight: int(a.maintenanceLiabilityWeight, WEIGHT_DECIMALS),
  };
}

function oracle(price: string): OraclePriceData {
  return {
    price: bn(price, PRICE_DECIMALS),
    slot: Z(),
    confidence: Z(),
    hasSufficientNumberOfDataPoints: true,
  };
}

/** TWAPs equal to the oracle, so strict mode (min/max of oracle and 5-min TWAP) changes nothing. */
function historicalOracle(price: string, nowSec: BN) {
  const p = bn(price, PRICE_DECIMALS);
  return {
    lastOraclePrice: p,
    lastOracleConf: Z(),
    lastOracleDelay: Z(),
    lastOraclePriceTwap: p.clone(),
    lastOraclePriceTwap5Min: p.clone(),
    lastOraclePriceTwapTs: nowSec,
  };
}

function spotMarket(index: number, price: string, w: Weights, nowSec: BN): SpotMarketAccount {
  const p = bn(price, PRICE_DECIMALS);
  return {
    status: MarketStatus.ACTIVE,
    assetTier: index === 0 ? AssetTier.COLLATERAL : AssetTier.CROSS,
    name: [],
    marketIndex: index,
    pubkey: PublicKey.default,
    mint: PublicKey.default,
    vault: PublicKey.default,
    oracle: PublicKey.default,
    oracleSource: index === 0 ? OracleSource.QUOTE_ASSET : OracleSource.PYTH,
    historicalOracleData: historicalOracle(price, nowSec),
    historicalIndexData: {
      lastIndexBidPrice: p,
      lastIndexAskPrice: p,
      lastIndexPriceTwap: p,
      lastIndexPriceTwap5Min: p,
      lastIndexPriceTwapTs: nowSec,
    },
    insuranceFund: {
      vault: PublicKey.default,
      totalShares: Z(),
      userShares: Z(),
      sharesBase: Z(),
      unstakingPeriod: Z(),
      lastRevenueSettleTs: Z(),
      revenueSettlePeriod: Z(),
      totalFactor: 0,
      userFactor: 0,
    },
    revenuePool: { scaledBalance: Z(), marketIndex: index },
    ifLiquidationFee: 0,
    decimals: SPOT_TOKEN_DECIMALS,
    optimalUtilization: 0,
    optimalBorrowRate: 0,
    maxBorrowRate: 0,
    cumulativeDepositInterest: SPOT_MARKET_CUMULATIVE_INTEREST_PRECISION,
    cumulativeBorrowInterest: SPOT_MARKET_CUMULATIVE_INTEREST_PRECISION,
    totalSocialLoss: Z(),
    totalQuoteSocialLoss: Z(),
    depositBalance: Z(),
    borrowBalance: Z(),
    maxTokenDeposits: Z(),
    lastInterestTs: Z(),
    lastTwapTs: Z(),
    initialAssetWeight: w.initialAssetWeight,
    maintenanceAssetWeight: w.maintenanceAssetWeight,
    initialLiabilityWeight: w.initialLiabilityWeight,
    maintenanceLiabilityWeight: w.maintenanceLiabilityWeight,
    liquidatorFee: 0,
    imfFactor: 0, // no size discount on assets, no size premium on liabilities
    scaleInitialAssetWeightStart: Z(), // no deposit-size scaling of the initial asset weight
    withdrawGuardThreshold: Z(),
    depositTokenTwap: Z(),
    borrowTokenTwap: Z(),
    utilizationTwap: Z(),
    nextDepositRecordId: Z(),
    orderStepSize: Z(),
    orderTickSize: Z(),
    minOrderSize: Z(),
    maxPositionSize: Z(),
    nextFillRecordId: Z(),
    spotFeePool: { scaledBalance: Z(), marketIndex: index },
    totalSpotFee: Z(),
    totalSwapFee: Z(),
    flashLoanAmount: Z(),
    flashLoanInitialTokenAmount: Z(),
    ordersEnabled: true,
    pausedOperations: 0,
    ifPausedOperations: 0,
    maxTokenBorrowsFraction: 0,
    minBorrowRate: 0,
    fuelBoostDeposits: 0,
    fuelBoostBorrows: 0,
    fuelBoostTaker: 0,
    fuelBoostMaker: 0,
    fuelBoostInsurance: 0,
    tokenProgramFlag: 0,
    poolId: 0,
  };
}

function perpMarket(
  index: number,
  mark: string,
  initialRate: string,
  maintenanceRate: string,
  nowSec: BN,
): PerpMarketAccount {
  return {
    status: MarketStatus.ACTIVE,
    contractType: ContractType.PERPETUAL,
    contractTier: ContractTier.A,
    expiryTs: Z(),
    expiryPrice: Z(),
    marketIndex: index,
    pubkey: PublicKey.default,
    name: [],
    amm: amm(mark, nowSec),
    numberOfUsersWithBase: 0,
    numberOfUsers: 0,
    marginRatioInitial: int(initialRate, WEIGHT_DECIMALS),
    marginRatioMaintenance: int(maintenanceRate, WEIGHT_DECIMALS),
    nextFillRecordId: Z(),
    nextFundingRateRecordId: Z(),
    nextCurveRecordId: Z(),
    pnlPool: { scaledBalance: Z(), marketIndex: 0 },
    liquidatorFee: 0,
    ifLiquidationFee: 0,
    imfFactor: 0, // no size premium
    unrealizedPnlImfFactor: 0, // no size discount on positive PnL
    unrealizedPnlMaxImbalance: Z(), // no pnl-pool imbalance haircut
    unrealizedPnlInitialAssetWeight: 10_000, // positive PnL counts fully (1.0)
    unrealizedPnlMaintenanceAssetWeight: 10_000,
    insuranceClaim: {
      revenueWithdrawSinceLastSettle: Z(),
      maxRevenueWithdrawPerPeriod: Z(),
      lastRevenueWithdrawTs: Z(),
      quoteSettledInsurance: Z(),
      quoteMaxInsurance: Z(),
    },
    quoteSpotMarketIndex: 0,
    feeAdjustment: 0,
    pausedOperations: 0,
    fuelBoostTaker: 0,
    fuelBoostMaker: 0,
    fuelBoostPosition: 0,
    highLeverageMarginRatioInitial: 0,
    highLeverageMarginRatioMaintenance: 0,
    protectedMakerLimitPriceDivisor: 0,
    protectedMakerDynamicDivisor: 0,
    lastFillPrice: Z(),
    lpPoolId: 0,
    lpFeeTransferScalar: 0,
    lpExchangeFeeExcluscionScalar: 0,
    lpStatus: 0,
    lpPausedOperations: 0,
  };
}

function amm(mark: string, nowSec: BN): PerpMarketAccount['amm'] {
  return {
    baseAssetReserve: Z(),
    sqrtK: Z(),
    cumulativeFundingRate: Z(),
    lastFundingRate: Z(),
    lastFundingRateTs: Z(),
    lastMarkPriceTwap: Z(),
    lastMarkPriceTwap5Min: Z(),
    lastMarkPriceTwapTs: Z(),
    lastTradeTs: Z(),
    oracle: PublicKey.default,
    oracleSource: OracleSource.PYTH,
    historicalOracleData: historicalOracle(mark, nowSec),
    lastOracleReservePriceSpreadPct: Z(),
    lastOracleConfPct: Z(),
    fundingPeriod: Z(),
    quoteAssetReserve: Z(),
    pegMultiplier: Z(),
    cumulativeFundingRateLong: Z(), // no funding owed
    cumulativeFundingRateShort: Z(),
    last24HAvgFundingRate: Z(),
    lastFundingRateShort: Z(),
    lastFundingRateLong: Z(),
    totalLiquidationFee: Z(),
    totalFeeMinusDistributions: Z(),
    totalFeeWithdrawn: Z(),
    totalFee: Z(),
    mmOracleSequenceId: Z(),
    userLpShares: Z(),
    baseAssetAmountWithUnsettledLp: Z(),
    orderStepSize: Z(),
    orderTickSize: Z(),
    maxFillReserveFraction: 0,
    maxSlippageRatio: 0,
    baseSpread: 0,
    curveUpdateIntensity: 0,
    baseAssetAmountWithAmm: Z(),
    baseAssetAmountLong: Z(),
    baseAssetAmountShort: Z(),
    quoteAssetAmount: Z(),
    terminalQuoteAssetReserve: Z(),
    concentrationCoef: Z(),
    feePool: { scaledBalance: Z(), marketIndex: 0 },
    totalExchangeFee: Z(),
    totalMmFee: Z(),
    netRevenueSinceLastFunding: Z(),
    lastUpdateSlot: Z(),
    lastOracleNormalisedPrice: Z(),
    lastOracleValid: true,
    lastBidPriceTwap: Z(),
    lastAskPriceTwap: Z(),
    longSpread: 0,
    shortSpread: 0,
    maxSpread: 0,
    baseAssetAmountPerLp: Z(),
    quoteAssetAmountPerLp: Z(),
    targetBaseAssetAmountPerLp: 0,
    ammJitIntensity: 0,
    maxOpenInterest: Z(),
    maxBaseAssetReserve: Z(),
    minBaseAssetReserve: Z(),
    totalSocialLoss: Z(),
    quoteBreakEvenAmountLong: Z(),
    quoteBreakEvenAmountShort: Z(),
    quoteEntryAmountLong: Z(),
    quoteEntryAmountShort: Z(),
    markStd: Z(),
    oracleStd: Z(),
    longIntensityVolume: Z(),
    shortIntensityVolume: Z(),
    volume24H: Z(),
    minOrderSize: Z(),
    mmOraclePrice: Z(),
    mmOracleSlot: Z(),
    bidBaseAssetReserve: Z(),
    bidQuoteAssetReserve: Z(),
    askBaseAssetReserve: Z(),
    askQuoteAssetReserve: Z(),
    perLpBase: 0,
    netUnsettledFundingPnl: Z(),
    quoteAssetAmountWithUnsettledLp: Z(),
    referencePriceOffset: 0,
    oracleLowRiskSlotDelayOverride: 0,
    oracleSlotDelayOverride: 0,
    ammSpreadAdjustment: 0,
    ammInventorySpreadAdjustment: 0,
    lastFundingOracleTwap: Z(),
    referencePriceOffsetDeadbandPct: 0,
  };
}

/**
 * A spot balance. scaledBalance × cumulativeInterest(1e10) / 10^(19 − decimals) = token amount,
 * so with interest at 1.0 the scaled balance is the token amount at 1e-9.
 */
function spotPosition(index: number, balance: string): SpotPosition {
  const negative = balance.startsWith('-');
  return {
    marketIndex: index,
    balanceType: negative ? SpotBalanceType.BORROW : SpotBalanceType.DEPOSIT,
    scaledBalance: bn(negative ? balance.slice(1) : balance, SPOT_BALANCE_DECIMALS),
    openOrders: 0,
    openBids: Z(),
    openAsks: Z(),
    cumulativeDeposits: Z(),
  };
}

function emptySpotPosition(): SpotPosition {
  return { ...spotPosition(0, '0'), scaledBalance: Z() };
}

/** quoteAssetAmount = −size × entry: what the position paid (long) or received (short). */
function perpPosition(index: number, size: string, entry: string): PerpPosition {
  const base = bn(size, BASE_DECIMALS);
  const quoteEntry = new BN(
    ((-fixed(size, 3) * fixed(entry, 3)) as bigint).toString(), // 1e-6 = QUOTE_PRECISION
  );
  return {
    baseAssetAmount: base,
    lastCumulativeFundingRate: Z(),
    marketIndex: index,
    quoteAssetAmount: quoteEntry,
    quoteEntryAmount: quoteEntry.clone(),
    quoteBreakEvenAmount: quoteEntry.clone(),
    openOrders: 0,
    openBids: Z(),
    openAsks: Z(),
    settledPnl: Z(),
    lpShares: Z(),
    remainderBaseAssetAmount: 0,
    maxMarginRatio: 0,
    lastQuoteAssetAmountPerLp: Z(),
    perLpBase: 0,
    positionFlag: 0,
    isolatedPositionScaledBalance: Z(),
  };
}

function userAccountOf(spotPositions: SpotPosition[], perpPositions: PerpPosition[]): UserAccount {
  return {
    authority: PublicKey.default,
    delegate: PublicKey.default,
    name: [],
    subAccountId: 0,
    spotPositions,
    perpPositions,
    orders: [],
    status: 0,
    nextLiquidationId: 0,
    nextOrderId: 0,
    maxMarginRatio: 0, // no user-chosen margin ratio
    lastAddPerpLpSharesTs: Z(),
    settledPerpPnl: Z(),
    totalDeposits: Z(),
    totalWithdraws: Z(),
    totalSocialLoss: Z(),
    cumulativePerpFunding: Z(),
    cumulativeSpotFees: Z(),
    liquidationMarginFreed: Z(),
    lastActiveSlot: Z(),
    isMarginTradingEnabled: true,
    idle: false,
    openOrders: 0,
    hasOpenOrder: false,
    openAuctions: 0,
    hasOpenAuction: false,
    lastFuelBonusUpdateTs: 0,
    marginMode: MarginMode.DEFAULT,
    poolId: 0,
  };
}
