/**
 * Mango v4: the client's real `HealthCache.fromMangoAccount(group, account)` and
 * `HealthCache.health(HealthType.init | HealthType.maint)`, run offline.
 *
 * How it is constructed without a connection: the same objects the client builds after its RPC
 * fetches, filled from the portfolio instead of from account data:
 *   - `Bank.from(pk, dto)` per asset, then `bank._price` set (the field the client's
 *     `Group.reloadBankOraclePrices` sets from the oracle account);
 *   - `PerpMarket.from(pk, dto)` per perp, then `perpMarket._price` set likewise;
 *   - `Group.from(pk, dto)`, then its `banksMapByTokenIndex` and `perpMarketsMapByMarketIndex`
 *     filled (what `Group.reloadBanks` / `reloadPerpMarkets` do after fetching);
 *   - `MangoAccount.from(pk, dto)` with `TokenPositionDto`s and `PerpPositionDto`s.
 * `HealthCache.fromMangoAccount` then runs unmodified (`TokenInfo.fromBank`,
 * `PerpInfo.fromPerpPosition`), and `health()` sums token contributions with each perp's
 * unsettled health added to its settle token. `MangoAccount.getHealth(group, type)` is exactly
 * `fromMangoAccount(...).health(type)`. Mango's own tests build a HealthCache the same way
 * (healthCache.spec.ts: mocked banks and perp markets, real `PerpPosition`).
 *
 * Units: every token and perp base has 6 decimals, like USDC, so a native price (native quote per
 * native base) equals the UI price; health comes out in native USDC (1e-6 USD).
 */
import { createRequire } from 'node:module';
import {
  Bank,
  Group,
  HealthType,
  I80F48,
  MangoAccount,
  PerpMarket,
} from '@blockworks-foundation/mango-v4';
// Not re-exported from the package index; the client imports it from here.
import { HealthCache } from '@blockworks-foundation/mango-v4/dist/cjs/src/accounts/healthCache.js';
import { fixed, type Portfolio } from '../portfolios.ts';

// The bn.js instance Mango's own I80F48 uses, so BN values are of the class it expects.
const requireFromMango = createRequire(
  createRequire(import.meta.url).resolve('@blockworks-foundation/mango-v4'),
);
const BN = requireFromMango('bn.js') as typeof import('bn.js');
type BN = InstanceType<typeof BN>;
const { PublicKey } = requireFromMango('@solana/web3.js') as typeof import('@solana/web3.js');

const DECIMALS = 6; // every mint and perp base
const BASE_LOT_DECIMALS = 3; // base lot = 0.001 base unit = 1000 native
const BASE_LOT_SIZE = 10 ** (DECIMALS - BASE_LOT_DECIMALS);
const TOKEN_SLOTS = 8; // a default account's token positions
const PERP_SLOTS = 4; // a default account's perp positions

const Z = (): BN => new BN(0);
const i80 = (x: number): { val: BN } => ({ val: I80F48.fromNumber(x).getData() });
const i80s = (decimal: string): { val: BN } => ({ val: I80F48.fromString(decimal).getData() });
const ZERO80 = (): { val: BN } => ({ val: new BN(0) });
const key = PublicKey.default;

export interface MangoSide {
  readonly group: Group;
  readonly account: MangoAccount;
}

export interface MangoFigures {
  readonly initHealth: number;
  readonly maintHealth: number;
}

/** Building the health cache from the account: part of assessing an account. */
export function mangoHealthCache(side: MangoSide): HealthCache {
  return HealthCache.fromMangoAccount(side.group, side.account);
}

/** Init and maint health from a built cache, as I80F48 in native USDC (timed). */
export function mangoHealthRaw(cache: HealthCache): [I80F48, I80F48] {
  return [cache.health(HealthType.init), cache.health(HealthType.maint)];
}

/** One account's full assessment: build the cache, then init and maint health (timed). */
export function mangoRaw(side: MangoSide): [I80F48, I80F48] {
  return mangoHealthRaw(mangoHealthCache(side));
}

/** The same, in USD. I80F48.toNumber goes through big.js division: kept out of the timings. */
export function mangoAssess(side: MangoSide): MangoFigures {
  const [init, maint] = mangoRaw(side);
  return { initHealth: usd(init), maintHealth: usd(maint) };
}

const usd = (native: I80F48): number => native.toNumber() / 10 ** DECIMALS;

export function mangoSide(p: Portfolio): MangoSide {
  const group = Group.from(key, groupDto());
  p.assets.forEach((a, i) => {
    const bank = Bank.from(key, bankDto(i, a));
    // what Group.reloadBankOraclePrices sets from the oracle; native price = UI price here
    bank._price = I80F48.fromNumber(Number(a.price));
    bank._uiPrice = Number(a.price);
    group.banksMapByTokenIndex.set(bank.tokenIndex, [bank]);
  });
  p.perps.forEach((q, i) => {
    const market = PerpMarket.from(key, perpMarketDto(i, q));
    market._price = I80F48.fromNumber(Number(q.markPrice));
    market._uiPrice = Number(q.markPrice);
    group.perpMarketsMapByMarketIndex.set(market.perpMarketIndex, market);
  });

  const tokens = p.assets.map((a, i) => tokenPositionDto(i, a.balance));
  while (tokens.length < TOKEN_SLOTS) tokens.push(tokenPositionDto(65535, '0'));
  const perps = p.perps.map((q, i) => perpPositionDto(i, q.size, q.entryPrice));
  while (perps.length < PERP_SLOTS) perps.push(perpPositionDto(65535, '0', '0'));
  const account = MangoAccount.from(key, accountDto(tokens, perps));
  return { group, account };
}

function stablePriceModel(price: string) {
  return {
    stablePrice: Number(price), // = oracle: init prices (min/max of oracle and stable) = oracle
    lastUpdateTimestamp: Z(),
    delayPrices: [],
    delayAccumulatorPrice: 0,
    delayAccumulatorTime: 0,
    delayIntervalSeconds: 0,
    delayGrowthLimit: 0,
    stableGrowthLimit: 0,
    lastDelayIntervalIndex: 0,
  };
}

const oracleConfig = () => ({ confFilter: ZERO80(), maxStalenessSlots: Z() });
const nameBytes = (s: string): number[] => [...Buffer.from(s, 'utf8')];

function bankDto(tokenIndex: number, a: Portfolio['assets'][number]) {
  return {
    group: key,
    name: nameBytes(a.symbol),
    mint: key,
    vault: key,
    oracle: key,
    oracleConfig: oracleConfig(),
    stablePriceModel: stablePriceModel(a.price),
    depositIndex: i80(1),
    borrowIndex: i80(1),
    indexedDeposits: ZERO80(),
    indexedBorrows: ZERO80(),
    indexLastUpdated: Z(),
    bankRateLastUpdated: Z(),
    avgUtilization: ZERO80(),
    adjustmentFactor: ZERO80(),
    util0: ZERO80(),
    rate0: ZERO80(),
    util1: ZERO80(),
    rate1: ZERO80(),
    maxRate: ZERO80(),
    collectedFeesNative: ZERO80(),
    loanOriginationFeeRate: ZERO80(),
    loanFeeRate: ZERO80(),
    maintAssetWeight: i80s(a.maintenanceAssetWeight),
    initAssetWeight: i80s(a.initialAssetWeight),
    maintLiabWeight: i80s(a.maintenanceLiabilityWeight),
    initLiabWeight: i80s(a.initialLiabilityWeight),
    liquidationFee: ZERO80(),
    dust: ZERO80(),
    flashLoanTokenAccountInitial: Z(),
    flashLoanApprovedAmount: Z(),
    tokenIndex,
    mintDecimals: DECIMALS,
    bankNum: 0,
    minVaultToDepositsRatio: 0,
    netBorrowLimitWindowSizeTs: Z(),
    lastNetBorrowsWindowStartTs: Z(),
    netBorrowLimitPerWindowQuote: Z(),
    netBorrowsInWindow: Z(),
    // no deposit/borrow weight scaling: scaledInit{Asset,Liab}Weight = init{Asset,Liab}Weight
    borrowWeightScaleStartQuote: Number.MAX_SAFE_INTEGER,
    depositWeightScaleStartQuote: Number.MAX_SAFE_INTEGER,
    reduceOnly: 0,
    forceClose: 0,
    disableAssetLiquidation: 0,
    forceWithdraw: 0,
    feesWithdrawn: Z(),
    tokenConditionalSwapTakerFeeRate: 0,
    tokenConditionalSwapMakerFeeRate: 0,
    flashLoanSwapFeeRate: 0,
    interestTargetUtilization: 0,
    interestCurveScaling: 0,
    potentialSerumTokens: Z(),
    // no maintenance-weight shift in progress (durationInv 0)
    maintWeightShiftStart: Z(),
    maintWeightShiftEnd: Z(),
    maintWeightShiftDurationInv: ZERO80(),
    maintWeightShiftAssetTarget: ZERO80(),
    maintWeightShiftLiabTarget: ZERO80(),
    fallbackOracle: key,
    depositLimit: Z(),
    zeroUtilRate: ZERO80(),
    platformLiquidationFee: ZERO80(),
    collectedLiquidationFees: ZERO80(),
    collectedCollateralFees: ZERO80(),
    collateralFeePerDay: 0,
    tier: nameBytes('A'),
  };
}

function perpMarketDto(perpMarketIndex: number, q: Portfolio['perps'][number]) {
  const one = fixed('1', 4);
  const im = fixed(q.initialRate, 4);
  const mm = fixed(q.maintenanceRate, 4);
  const w = (x: bigint): { val: BN } => i80s((Number(x) / 1e4).toString());
  return {
    group: key,
    settleTokenIndex: 0,
    perpMarketIndex,
    groupInsuranceFund: 0,
    baseDecimals: DECIMALS,
    name: nameBytes(q.symbol),
    bids: key,
    asks: key,
    eventQueue: key,
    oracle: key,
    oracleConfig: oracleConfig(),
    stablePriceModel: stablePriceModel(q.markPrice),
    quoteLotSize: new BN(1),
    baseLotSize: new BN(BASE_LOT_SIZE),
    // a long counts (1 − rate) of its notional, a short (1 + rate): IM/MM = notional × rate
    maintBaseAssetWeight: w(one - mm),
    initBaseAssetWeight: w(one - im),
    maintBaseLiabWeight: w(one + mm),
    initBaseLiabWeight: w(one + im),
    openInterest: Z(),
    seqNum: Z(),
    registrationTime: Z(),
    minFunding: ZERO80(),
    maxFunding: ZERO80(),
    impactQuantity: Z(),
    longFunding: ZERO80(), // no funding owed
    shortFunding: ZERO80(),
    fundingLastUpdated: Z(),
    baseLiquidationFee: ZERO80(),
    makerFee: ZERO80(),
    takerFee: ZERO80(),
    feesAccrued: ZERO80(),
    feesSettled: ZERO80(),
    feePenalty: 0,
    settleFeeFlat: 0,
    settleFeeAmountThreshold: 0,
    settleFeeFractionLowHealth: 0,
    settlePnlLimitFactor: 0,
    settlePnlLimitWindowSizeTs: Z(),
    reduceOnly: 0,
    forceClose: 0,
    // positive unsettled perp health counts fully
    maintOverallAssetWeight: i80(1),
    initOverallAssetWeight: i80(1),
    positivePnlLiquidationFee: ZERO80(),
    feesWithdrawn: Z(),
    platformLiquidationFee: ZERO80(),
    accruedLiquidationFees: ZERO80(),
  };
}

function groupDto() {
  return {
    creator: key,
    groupNum: 0,
    admin: key,
    fastListingAdmin: key,
    mngoTokenIndex: 65535,
    insuranceMint: key,
    insuranceVault: key,
    testing: 1,
    version: 0,
    buybackFees: 0,
    buybackFeesMngoBonusFactor: 0,
    addressLookupTables: [],
    securityAdmin: key,
    depositLimitQuote: Z(),
    ixGate: Z(),
    buybackFeesSwapMangoAccount: key,
    buybackFeesExpiryInterval: Z(),
    fastListingIntervalStart: Z(),
    fastListingsInInterval: 0,
    allowedFastListingsPerInterval: 0,
    collateralFeeInterval: Z(),
  };
}

/** indexedPosition × depositIndex (1) = native balance. */
function tokenPositionDto(tokenIndex: number, balance: string) {
  return {
    indexedPosition: { val: new BN(fixed(balance, DECIMALS).toString()).ushln(48) },
    tokenIndex,
    inUseCount: 0,
    reserved: [],
    previousIndex: i80(1),
    cumulativeDepositInterest: 0,
    cumulativeBorrowInterest: 0,
  };
}

/** basePositionLots = size / lot; quotePositionNative = −size × entry in native USDC. */
function perpPositionDto(marketIndex: number, size: string, entry: string) {
  const lots = fixed(size, BASE_LOT_DECIMALS);
  const quoteNative = -fixed(size, 3) * fixed(entry, 3); // 1e-6 = native USDC
  return {
    marketIndex,
    settlePnlLimitWindow: 0,
    settlePnlLimitSettledInCurrentWindowNative: Z(),
    basePositionLots: new BN(lots.toString()),
    quotePositionNative: { val: new BN(quoteNative.toString()).ushln(48) },
    quoteRunningNative: Z(),
    longSettledFunding: ZERO80(),
    shortSettledFunding: ZERO80(),
    bidsBaseLots: Z(),
    asksBaseLots: Z(),
    takerBaseLots: Z(),
    takerQuoteLots: Z(),
    cumulativeLongFunding: 0,
    cumulativeShortFunding: 0,
    makerVolume: Z(),
    takerVolume: Z(),
    perpSpotTransfers: Z(),
    avgEntryPricePerBaseLot: 0,
    deprecatedRealizedTradePnlNative: ZERO80(),
    oneshotSettlePnlAllowance: ZERO80(),
    recurringSettlePnlAllowance: Z(),
    realizedPnlForPositionNative: ZERO80(),
  };
}

function accountDto(tokens: unknown[], perps: unknown[]) {
  return {
    group: key,
    owner: key,
    name: nameBytes('bench'),
    delegate: key,
    accountNum: 0,
    beingLiquidated: 0,
    inHealthRegion: 0,
    netDeposits: Z(),
    perpSpotTransfers: Z(),
    healthRegionBeginInitHealth: Z(),
    frozenUntil: Z(),
    buybackFeesAccruedCurrent: Z(),
    buybackFeesAccruedPrevious: Z(),
    buybackFeesExpiryTimestamp: Z(),
    sequenceNumber: 0,
    headerVersion: 0,
    lastCollateralFeeCharge: Z(),
    tokens,
    serum3: [],
    perps,
    perpOpenOrders: [],
    tokenConditionalSwaps: [],
  };
}
