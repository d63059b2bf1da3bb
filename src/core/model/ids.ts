export type AssetId = string;
export type InstrumentId = string;
export type AccountId = string;
