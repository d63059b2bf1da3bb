/**
 * A BTC call as Deribit lists it, in a venue file's form: inverse (premium in BTC, on 1 BTC), a
 * tick of 0.0005 BTC and a size step of 0.1. The demo's venue and the simulator's both list one.
 */
export function deribitBtcCall(id: string, expiryMs: number, strike: number) {
  return {
    id,
    kind: 'option',
    settlement: 'inverse',
    underlying: 'BTC',
    quote: 'USD',
    settle: 'BTC',
    contractSize: '1',
    tickSize: '0.0005',
    sizeStep: '0.1',
    expiry: new Date(expiryMs).toISOString().replace('.000Z', 'Z'),
    option: { right: 'call', strike: String(strike) },
  };
}
