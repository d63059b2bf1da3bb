import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { insuranceFund } from '../../core/ledger/house-accounts.ts';
import type { CommandRecord } from '../../core/ledger/ledger-event.ts';
import { decodeRecords, encodeRecord } from './ledger-codec.ts';

/** The record's rows as the store would hand them back: numbered, checksums aside. */
async function roundTrip(record: CommandRecord): Promise<CommandRecord[]> {
  const rows = encodeRecord(record, 1_700_000_000_000).map((row, i) => ({
    ...row,
    sequence: i + 1,
    checksum: '',
  }));
  async function* stored() {
    yield* rows;
  }
  const records: CommandRecord[] = [];
  for await (const { record: read } of decodeRecords(stored())) records.push(read);
  return records;
}

describe('the log codec reads the waterfall’s events back as they were written', () => {
  it('a waterfall step, with and without a grace, and a debt the fund covered', async () => {
    const record: CommandRecord = {
      command: 'unfilled-1',
      digest: 'f'.repeat(64),
      events: [
        {
          type: 'waterfall_step',
          step: 'backstop',
          account: 'alice',
          orderId: 'liq-7',
          counterparty: 'bs',
          size: d('0.125'),
          price: d('39871.5'),
        },
        {
          type: 'waterfall_step',
          step: 'auto_deleverage',
          account: 'alice',
          orderId: 'liq-7',
          counterparty: 'erin',
          size: d('0.375'),
          price: d('39871.5'),
          graceUntilMs: 1_700_000_060_000,
        },
        {
          type: 'debt_covered',
          account: 'alice',
          bucket: 'cross',
          movements: [
            {
              account: insuranceFund,
              asset: 'USDT',
              amount: -d('799.41'),
              reason: 'insurance-cover',
            },
            { account: 'alice', asset: 'USDT', amount: d('799.41'), reason: 'insurance-cover' },
          ],
        },
      ],
    };
    expect(await roundTrip(record)).toEqual([record]);
  });

  it('refuses a debt cover with a field it does not know, naming it', async () => {
    const record = {
      command: 'x',
      digest: 'f'.repeat(64),
      events: [{ type: 'debt_covered', account: 'a', bucket: 'cross', movements: [], extra: 1 }],
    } as unknown as CommandRecord;
    await expect(roundTrip(record)).rejects.toThrow(/extra/);
  });
});
