import { applyRecord, type Ledger } from '../ledger/ledger.ts';
import type { CommandRecord, LedgerEvent } from '../ledger/ledger-event.ts';
import { sha256 } from '../ledger/sha256.ts';
import { idLengthMax } from '../limits.ts';
import { formatFixed } from '../num/fixed.ts';
import type { Command, Rejection } from './command.ts';
import { type DecideContext, decide } from './decide.ts';
import { withLiquidations } from './liquidation.ts';
import type { MarginBook } from './margin-book.ts';
import { withMarginStates } from './margin-state.ts';

/** The engine's answer to one command. */
export type Answer =
  | { readonly kind: 'accepted'; readonly events: readonly LedgerEvent[]; readonly first: number }
  /** Sent before with this body: answered then, with events `first` … `first + count − 1`. */
  | { readonly kind: 'duplicate'; readonly first: number; readonly count: number }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

/** The answer to a command, and the record to append and apply where it was accepted. */
export interface Outcome {
  readonly answer: Answer;
  readonly record?: CommandRecord;
}

/**
 * One command judged against the ledger, changing nothing: its id (1 to `idLengthMax` characters)
 * checked against those answered
 * (the same body again has no second effect; another body under a used id is refused), then
 * `decide`d, its events followed by the margin-state changes they cause (margin-state.ts: on the
 * fast path where a `book` is given, kept by the caller from command to command), then by what
 * liquidation makes of them (liquidation.ts). A
 * rejection is not remembered: sent again, the command is decided again, on the
 * ledger as it then is. The shell appends an accepted command's record durably, then applies it
 * (`applyRecord`), then acknowledges (DESIGN.md: data flows one way).
 */
export function judgeCommand(
  ledger: Ledger,
  command: Command,
  context: DecideContext,
  book?: MarginBook,
): Outcome {
  if (command.id.length === 0 || command.id.length > idLengthMax) {
    return { answer: { kind: 'rejected', rejection: { code: 'command_id_invalid', field: 'id' } } };
  }
  const digest = commandDigest(command, context.sha256);
  const seen = ledger.answered.get(command.id);
  if (seen !== undefined) {
    if (seen.digest !== digest) {
      return {
        answer: { kind: 'rejected', rejection: { code: 'command_id_reused', field: 'id' } },
      };
    }
    return { answer: { kind: 'duplicate', first: seen.first, count: seen.count } };
  }
  const decision = decide(ledger, command, context);
  if ('rejection' in decision) {
    return { answer: { kind: 'rejected', rejection: decision.rejection } };
  }
  const margined = withMarginStates(ledger, decision.events, context, book, command.id);
  const events = withLiquidations(ledger, margined, context);
  book?.followLiquidation(ledger, events, events.length - margined.length, context);
  const first = ledger.events + 1;
  return {
    answer: { kind: 'accepted', events, first },
    record: { command: command.id, digest, events },
  };
}

/** `judgeCommand` and its record applied at once: the engine in memory, with no log. */
export function execute(
  ledger: Ledger,
  command: Command,
  context: DecideContext,
  book?: MarginBook,
): Answer {
  const { answer, record } = judgeCommand(ledger, command, context, book);
  if (record !== undefined) applyRecord(ledger, record);
  return answer;
}

/**
 * The SHA-256 of the command's body in a canonical form: keys sorted at every depth (a fill's
 * parties are objects), amounts as decimals.
 */
export function commandDigest(command: Command, hash = sha256): string {
  return hash(JSON.stringify(canonical(command)));
}

function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return formatFixed(value);
  if (typeof value !== 'object' || value === null) return value;
  return Object.keys(value)
    .sort()
    .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
}
