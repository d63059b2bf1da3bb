import { describe, expect, it } from 'vitest';
import { fixed } from '../../core/num/fixed.ts';
import { readLocationFile } from './location-file.ts';
import type { InputError } from './reader.ts';

describe('a file of collateral places', () => {
  it('reads each place’s weight and delay, and the rule for moves in flight', () => {
    const policy = readLocationFile(
      JSON.stringify({
        pendingCounts: 'source',
        locations: {
          arbitrum: { weight: '0.95', transferDelayMs: 600_000 },
          custodian: { weight: '0', transferDelayMs: 0 },
        },
      }),
      'places.json',
    );
    expect(policy).toEqual({
      pendingCounts: 'source',
      elsewhere: new Map([
        ['arbitrum', { weight: fixed('0.95'), transferDelayMs: 600_000 }],
        ['custodian', { weight: 0n, transferDelayMs: 0 }],
      ]),
    });
  });

  it('names every bad field, and refuses to list the venue itself', () => {
    let issues: readonly string[] = [];
    try {
      readLocationFile(
        JSON.stringify({
          pendingCounts: 'both',
          locations: {
            venue: { weight: '1', transferDelayMs: 0 },
            arbitrum: { weight: '1.01', transferDelayMs: 1.5 },
            custodian: { weight: 0.5, transferDelayMs: -1, extra: 1 },
          },
        }),
        'places.json',
      );
    } catch (error) {
      issues = (error as InputError).issues;
    }
    expect(issues).toEqual([
      'places.json: pendingCounts: must be one of: neither, source',
      "places.json: locations.venue: is the venue's own place: it is not listed",
      'places.json: locations.arbitrum.weight: must be at most 1',
      'places.json: locations.arbitrum.transferDelayMs: must be a whole number of milliseconds from 0 to 2592000000',
      'places.json: locations.custodian.extra: unknown field (expected one of: weight, transferDelayMs)',
      'places.json: locations.custodian.weight: must be a decimal string (write "0.1", not 0.1)',
      'places.json: locations.custodian.transferDelayMs: must be a whole number of milliseconds from 0 to 2592000000',
    ]);
  });
});
