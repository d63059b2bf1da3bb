import { describe, expect, it } from 'vitest';
import { fixed } from '../../core/num/fixed.ts';
import { readCommandFile } from './command-file.ts';
import type { InputError } from './reader.ts';

function issuesOf(text: string): readonly string[] {
  try {
    readCommandFile(text, 'c.jsonl');
  } catch (error) {
    return (error as InputError).issues;
  }
  throw new Error('accepted');
}

describe('a file of engine commands', () => {
  it('reads each line into a command, amounts exact, blank lines skipped', () => {
    const commands = readCommandFile(
      [
        '{"id":"1","type":"open_account","account":"a"}',
        '',
        '{"id":"2","type":"deposit","account":"a","asset":"USDT","amount":"100.000000000000000001"}',
        '{"id":"t","type":"price_tick","feed":"index:BTC","sequence":7,"timeMs":1000,"price":"-1.5"}',
        '{"id":"3","type":"transfer","from":"a","to":"b","asset":"USDT","amount":"0.1","issuedAtMs":5,"timeToLiveMs":0}',
      ].join('\n'),
      'c.jsonl',
    );
    expect(commands).toEqual([
      { id: '1', type: 'open_account', account: 'a', poolMode: 'cross' },
      {
        id: '2',
        type: 'deposit',
        account: 'a',
        asset: 'USDT',
        amount: fixed('100.000000000000000001'),
      },
      {
        id: 't',
        type: 'price_tick',
        feed: 'index:BTC',
        sequence: 7,
        timeMs: 1000,
        price: fixed('-1.5'),
      },
      {
        id: '3',
        type: 'transfer',
        from: 'a',
        to: 'b',
        asset: 'USDT',
        amount: fixed('0.1'),
        issuedAtMs: 5,
        timeToLiveMs: 0,
      },
    ]);
  });

  it('refuses the whole file with every issue, each naming its line and field', () => {
    expect(
      issuesOf(
        [
          '{"id":"1","type":"deposit","account":"a","asset":"USDT","amount":100}',
          '{"id":"2","type":"withdraw","account":"a","asset":"USDT","amount":"-1"}',
          '{"id":"3","type":"fly","account":"a"}',
          '{"id":"4","type":"deposit","account":"a","asset":"USDT","amount":"1e3"}',
          '{"id":"5","type":"deposit","account":"a","asset":"USDT","amount":"1","amont":"2"}',
          '{"id":"6","type":"deposit","account":"a","asset":"USDT","amount":"1","issuedAtMs":1.5}',
          '{"id":"7","type":"deposit","account":"a","asset":"USDT","amount":"1","timeToLiveMs":10}',
          '{"id":"8","id":"9","type":"open_account","account":"a"}',
          '{"id":"10",',
          '[]',
          '{"id":"11","type":"deposit","account":"a","asset":"USDT","amount":"1000000000000001"}',
          '{"id":"12","type":"price_tick","feed":"BTC","sequence":-1,"timeMs":0,"price":"1"}',
        ].join('\n'),
      ),
    ).toEqual([
      'c.jsonl:1: amount: must be a decimal string (write "0.1", not 0.1)',
      'c.jsonl:2: amount: must be greater than zero',
      'c.jsonl:3: type: must be one of: open_account, deposit, withdraw, transfer, price_tick',
      'c.jsonl:4: amount: must be a decimal string with at most 18 decimals, got "1e3"',
      'c.jsonl:5: amont: unknown field (expected one of: id, type, issuedAtMs, timeToLiveMs, account, asset, amount)',
      'c.jsonl:6: issuedAtMs: must be a whole number of milliseconds, 0 or more',
      'c.jsonl:7: timeToLiveMs: comes with issuedAtMs: a time to live counts from it',
      'c.jsonl:8: id: key "id" given twice, at line 1:11 (first at line 1:2): give each key once, JSON keeps only the last',
      'c.jsonl:9: not valid JSON at line 1:12: expected a double-quoted property name, found the end of the text',
      'c.jsonl:10: (root): must be an object',
      'c.jsonl:11: amount: must be at most the amount limit',
      'c.jsonl:12: feed: must be mark:INSTRUMENT or index:ASSET',
      'c.jsonl:12: sequence: must be a whole number, 0 or more',
    ]);
  });
});
