import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../core/ledger/ledger-event.ts';
import { ServerMetrics } from './metrics.ts';

describe('the liquidation counter', () => {
  it('counts a debt the fund covered, by type, beside the waterfall steps by step', async () => {
    const metrics = new ServerMetrics();
    const events: LedgerEvent[] = [
      { type: 'debt_covered', account: 'a', bucket: 'cross', movements: [] },
      { type: 'debt_covered', account: 'b', bucket: 'cross', movements: [] },
      {
        type: 'waterfall_step',
        step: 'backstop',
        account: 'a',
        orderId: 'liq-1',
        counterparty: 'bs',
        size: 1n,
        price: 1n,
      },
      { type: 'instrument_halted', instrument: 'X' },
    ];
    metrics.countLiquidations(events);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/xmargin_liquidation_events_total\{type="debt_covered",reason=""\} 2\n/);
    expect(text).toMatch(
      /xmargin_liquidation_events_total\{type="waterfall_step",reason="backstop"\} 1\n/,
    );
    expect(text).not.toMatch(/instrument_halted/);
  });
});
