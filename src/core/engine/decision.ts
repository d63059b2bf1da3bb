import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { CommandBody, Rejection, RejectionCode } from './command.ts';

/** What `decide` answers a command with: the events it makes, or the first check it fails. */
export type Decision =
  | { readonly events: readonly LedgerEvent[] }
  | { readonly rejection: Rejection };

/** The body of one type of command. */
export type CommandOf<T extends CommandBody['type']> = Extract<CommandBody, { type: T }>;

export function refuse(code: RejectionCode, field: string): { readonly rejection: Rejection } {
  return { rejection: { code, field } };
}
