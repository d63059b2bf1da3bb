import { applyRecord, type Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { sha256 } from '../ledger/sha256.ts';
import { formatFixed } from '../num/fixed.ts';
import type { Command, Rejection } from './command.ts';
import { type DecideContext, decide } from './decide.ts';

/** The engine's answer to one command. */
export type Answer =
  | { readonly kind: 'accepted'; readonly events: readonly LedgerEvent[]; readonly first: number }
  /** Sent before with this body: answered then, with events `first` … `first + count − 1`. */
  | { readonly kind: 'duplicate'; readonly first: number; readonly count: number }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

/**
 * One command through the engine: its id checked against those answered (the same body again has
 * no second effect; another body under a used id is refused), `decide`d, and the events it makes
 * applied to the ledger. A rejection changes nothing and is not remembered: sent again, the
 * command is decided again, on the ledger as it then is. The shell appends the record durably
 * before it acknowledges the answer (DESIGN.md: data flows one way).
 */
export function execute(ledger: Ledger, command: Command, context: DecideContext): Answer {
  const digest = commandDigest(command);
  const seen = ledger.answered.get(command.id);
  if (seen !== undefined) {
    if (seen.digest !== digest) {
      return { kind: 'rejected', rejection: { code: 'command_id_reused', field: 'id' } };
    }
    return { kind: 'duplicate', first: seen.first, count: seen.count };
  }
  const decision = decide(ledger, command, context);
  if ('rejection' in decision) return { kind: 'rejected', rejection: decision.rejection };
  const first = ledger.events + 1;
  applyRecord(ledger, { command: command.id, digest, events: decision.events });
  return { kind: 'accepted', events: decision.events, first };
}

/** The SHA-256 of the command's body in a canonical form (keys sorted, amounts as decimals). */
export function commandDigest(command: Command): string {
  const keys = Object.keys(command).sort();
  const canonical = keys.map((key) => {
    const value = (command as unknown as Record<string, unknown>)[key];
    return [key, typeof value === 'bigint' ? formatFixed(value) : value];
  });
  return sha256(JSON.stringify(canonical));
}
