import type { Rejection } from '../../core/engine/command.ts';

/**
 * The one error body every route answers with, and the one map from what went wrong to its HTTP
 * status: 400 bad input naming the field, 401 no valid key, 403 a key that may not, 404 not found,
 * 409 a command id reused with another body, 413 a body too large, 422 refused by the engine
 * with its rejection code, 429 over the key's rate, 503 while the engine recovers.
 */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    /** The field at fault, a path into the body (`items[2].taker.feeRate`); `(root)`: the whole. */
    readonly field?: string;
    readonly message: string;
    /** Every issue found where there were several, each starting with its field. */
    readonly issues?: readonly string[];
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: readonly string[],
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        ...(this.field === undefined ? {} : { field: this.field }),
        message: this.message,
        ...(this.issues === undefined ? {} : { issues: this.issues }),
      },
    };
  }
}

/**
 * Bad input from the reader's issues, each `FIELD: message`: the first names the field. A path
 * prefix (`items[3]`) is put before each, so a batch names the item at fault.
 */
export function badInput(issues: readonly string[], prefix = ''): ApiError {
  const within = (issue: string) =>
    prefix === ''
      ? issue
      : issue.startsWith('(root)')
        ? `${prefix}${issue.slice(6)}`
        : `${prefix}.${issue}`;
  const named = issues.map(within);
  const first = named[0] ?? '(root): bad input';
  const cut = first.indexOf(': ');
  return new ApiError(
    400,
    'bad_input',
    first,
    cut < 0 ? '(root)' : first.slice(0, cut),
    named.length > 1 ? named : undefined,
  );
}

/** The status of an engine rejection: a reused id conflicts, a thing not found is 404, else 422. */
export function rejectionStatus(rejection: Rejection): number {
  if (rejection.code === 'command_id_reused') return 409;
  if (rejection.code === 'command_id_invalid') return 400;
  if (rejection.code.endsWith('_not_found')) return 404;
  return 422;
}

/** The engine's rejection as the error the route answers with, at its status. */
export function refusal(rejection: Rejection): ApiError {
  const { code, field } = rejection;
  return new ApiError(rejectionStatus(rejection), code, `refused: ${code} (${field})`, field);
}
