import { expect } from 'vitest';
import type { Command } from '../src/core/engine/command.ts';
import type { DecideContext } from '../src/core/engine/decide.ts';
import { type Answer, judgeCommand } from '../src/core/engine/execute.ts';
import { conservationGaps, openInterestGaps } from '../src/core/ledger/conservation.ts';
import { applyRecord, type Ledger, newLedger } from '../src/core/ledger/ledger.ts';
import type { CommandRecord, PriceFeed } from '../src/core/ledger/ledger-event.ts';
import { stateHash } from '../src/core/ledger/state-hash.ts';
import { d } from './kit.ts';

/**
 * Executes one command through the engine and checks the books after it, whatever the answer: a
 * refusal leaves them as they were, and every asset and every market balances. `recorded` is
 * given each record applied (a test that replays the log keeps them).
 */
export function executeChecked(
  ledger: Ledger,
  command: Command,
  context: DecideContext,
  recorded?: (record: CommandRecord) => void,
): Answer {
  const before = stateHash(ledger);
  const { answer, record } = judgeCommand(ledger, command, context);
  if (record !== undefined) {
    applyRecord(ledger, record);
    recorded?.(record);
  }
  if (answer.kind === 'rejected') expect(stateHash(ledger)).toBe(before);
  expect(conservationGaps(ledger, context.venue.instruments)).toEqual(new Map());
  expect(openInterestGaps(ledger)).toEqual(new Map());
  return answer;
}

export type FillCommand = Extract<Command, { readonly type: 'fill' }>;

/** A fill of `size` at `price` between two accounts, at the fee rates given (none by default). */
export function fillCommand(
  id: string,
  instrument: string,
  taker: string,
  takerSide: 'buy' | 'sell',
  size: string,
  price: string,
  maker: string,
  fees = { taker: '0', maker: '0' },
): FillCommand {
  return {
    id,
    type: 'fill',
    instrument,
    takerSide,
    size: d(size),
    price: d(price),
    taker: { account: taker, feeRate: d(fees.taker) },
    maker: { account: maker, feeRate: d(fees.maker) },
  };
}

/**
 * A fresh ledger under `context` and what a test drives it with: `run` executes a command checked
 * (executeChecked) and expects `outcome` (accepted, or the rejection's code), answering the events;
 * `prices` sends a first tick on each feed, at the context's time.
 */
export function checkedEngine(context: DecideContext, prefix: string) {
  const ledger = newLedger();
  let n = 0;
  const id = () => `${prefix}${++n}`;
  const run = (command: Command, outcome = 'accepted') => {
    const answer = executeChecked(ledger, command, context);
    const got = answer.kind === 'rejected' ? answer.rejection.code : answer.kind;
    expect([command.type, got]).toEqual([command.type, outcome]);
    return answer.kind === 'accepted' ? answer.events : [];
  };
  const prices = (ticks: readonly (readonly [PriceFeed, string])[]) => {
    for (const [feed, price] of ticks) {
      run({
        id: id(),
        type: 'price_tick',
        feed,
        sequence: 1,
        timeMs: context.nowMs,
        price: d(price),
      });
    }
  };
  return { ledger, id, run, prices };
}
