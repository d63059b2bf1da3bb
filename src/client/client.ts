import type { Static } from '@sinclair/typebox';
import WebSocket from 'ws';
import { commandRoutes } from '../shell/server/command-paths.ts';
import type { CommandType, commandBodies } from '../shell/server/command-schemas.ts';

/** The body of a command route, as its schema types it (amounts as decimal strings). */
export type CommandBody<T extends CommandType> = Static<(typeof commandBodies)[T]>;

/** The engine's answer to one command, amounts as decimal strings. */
export type CommandAnswer =
  | {
      readonly id: string;
      readonly kind: 'accepted';
      readonly first: number;
      readonly events: readonly Record<string, unknown>[];
    }
  | {
      readonly id: string;
      readonly kind: 'duplicate';
      readonly first: number;
      readonly count: number;
    }
  | {
      readonly id: string;
      readonly kind: 'rejected';
      readonly rejection: { readonly code: string; readonly field: string };
    };

/** What a route refused: its status, its stable code, the field at fault. */
export class XmarginError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The engine's answer, where the engine refused the command (409, 404, 422). */
    readonly answer?: CommandAnswer,
  ) {
    super(message);
  }
}

/** A stream's message: each says the event sequence number it reflects (streams.ts). */
export interface StreamMessage {
  readonly type: 'event' | 'margin' | 'alert' | 'price' | 'book' | 'live' | 'error';
  readonly sequence: number;
  readonly [field: string]: unknown;
}

const pathOf = new Map(commandRoutes.map((route) => [route.type, route]));

/**
 * A venue's, a desk's or a trader's handle on an xmargin server: every command by its type with
 * the body its route's schema types, the reads, and the streams, each authenticated with one key.
 * A refusal throws `XmarginError` with the status, code and field the server gave.
 */
export class XmarginClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  /** One command; a batch route (fills, prices) takes `{ items }`: `submitAll`. */
  async submit<T extends CommandType>(type: T, body: CommandBody<T>): Promise<CommandAnswer> {
    const route = pathOf.get(type)!;
    const sent = route.batch === true ? { items: [body] } : body;
    const answer = await this.call('POST', route.path, sent);
    return (
      route.batch === true ? (answer.answers as CommandAnswer[])[0] : answer
    ) as CommandAnswer;
  }

  /** Fills or prices in one batch: every item checked before any is applied, each answered. */
  async submitAll<T extends 'fill' | 'price_tick'>(
    type: T,
    items: readonly CommandBody<T>[],
  ): Promise<CommandAnswer[]> {
    const answer = await this.call('POST', pathOf.get(type)!.path, { items });
    return answer.answers as CommandAnswer[];
  }

  /** Would this order be accepted? The verdict and the account after it; nothing changes. */
  check(body: CommandBody<'pre_trade_check'>): Promise<Record<string, unknown>> {
    return this.call('POST', '/v1/pre-trade-checks', body);
  }

  /** The account's risk report, exact, as `xmargin margin --json` gives it. */
  async report(account: string): Promise<{ sequence: number; report: Record<string, unknown> }> {
    return (await this.call('GET', `/v1/accounts/${encodeURIComponent(account)}`)) as never;
  }

  positions(account: string) {
    return this.call('GET', `/v1/accounts/${encodeURIComponent(account)}/positions`);
  }

  balances(account: string) {
    return this.call('GET', `/v1/accounts/${encodeURIComponent(account)}/balances`);
  }

  events(account: string, from = 1, limit = 100) {
    return this.call(
      'GET',
      `/v1/accounts/${encodeURIComponent(account)}/events?from=${from}&limit=${limit}`,
    );
  }

  /** The accounts by margin ratio, riskiest first, one page; `after` the last id of the page before. */
  accounts(limit = 100, after?: string) {
    return this.call(
      'GET',
      `/v1/accounts?limit=${limit}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`,
    );
  }

  status() {
    return this.call('GET', '/v1/status');
  }

  /**
   * A stream of `channels` (`account:ID`, `alerts`, `prices`, `book`) from sequence `from` on
   * (absent: live from now), each message to `onMessage`; the answer closes it.
   */
  stream(
    channels: readonly string[],
    onMessage: (message: StreamMessage) => void,
    from?: number,
  ): () => void {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/v1/stream?channels=${channels.map(encodeURIComponent).join(',')}${from === undefined ? '' : `&from=${from}`}`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.key}` } });
    socket.on('message', (data) => onMessage(JSON.parse(String(data)) as StreamMessage));
    socket.on('error', () => {});
    return () => socket.close();
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.ok) return json;
    const error = json.error as { code: string; message: string; field?: string };
    const answer = json.kind === 'rejected' ? (json as unknown as CommandAnswer) : undefined;
    throw new XmarginError(response.status, error.code, error.message, error.field, answer);
  }
}
