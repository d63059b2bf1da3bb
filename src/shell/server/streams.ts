import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { accountsOf } from '../store/event-accounts.ts';
import { decimalsForBigints } from '../store/ledger-codec.ts';
import { ApiError } from './api-error.ts';
import type { Caller, KeyRing } from './api-keys.ts';
import type { Change, EngineService } from './engine-service.ts';
import type { ServerMetrics } from './metrics.ts';
import { authorize } from './route-access.ts';

/** Bytes a client may leave unread before it is dropped, unless set: it must never hold the engine back. */
export const streamBufferDefault = 4 * 1024 * 1024;

/** How long a dropped client has to read its close frame before its socket is cut. */
const closeGraceMs = 5_000;

/** What one stream carries, chosen with `?channels=` (comma-separated). */
export type Channel =
  /** `account:ID`: every event naming the account, then its margin after each change. */
  | { readonly kind: 'account'; readonly account: string }
  /** Every margin-state change (healthy, margin call, liquidation warning, liquidatable); a trader's own accounts. */
  | { readonly kind: 'alerts' }
  /**
   * Prices the feeds' guard accepted, and funding paid; for an index from several sources, each
   * source it left out and each time it was marked unreliable (`index`).
   */
  | { readonly kind: 'prices' }
  /**
   * The whole book's summary after each change (not for traders): accounts by margin state and
   * the riskiest of those not healthy (engine-service.ts `riskiest`).
   */
  | { readonly kind: 'book' }
  /**
   * Every liquidation order as it is emitted, reduced and ended, and each fill that paid the
   * insurance fund or drew on it (not for traders: they see their own on `account:ID`).
   */
  | { readonly kind: 'liquidations' };

/**
 * The live streams, over WebSocket at `/v1/stream?channels=…&from=N`: each message says the
 * event sequence number it reflects, so a client that reconnects with `from` one past the last
 * it saw gets every event since, from the log, then the live ones, with none missed and none
 * twice. A client that falls `bufferMax` bytes behind is closed (code 4008, "slow
 * consumer") rather than let it stall the engine or grow the server's memory. The key is
 * checked once the socket is open (an upgrade refused over HTTP leaves a socket fastify cannot
 * close on shutdown), refused with a close code of 4000 + the HTTP status.
 */
export async function registerStreams(
  app: FastifyInstance,
  keys: KeyRing,
  service: () => EngineService,
  metrics: ServerMetrics,
  bufferMax = streamBufferDefault,
) {
  await app.register(websocket, { options: { maxPayload: 4096 } });
  app.get(
    '/v1/stream',
    {
      websocket: true,
      config: { roles: ['trader', 'operator', 'risk_viewer'] },
      schema: { hide: true },
    },
    (socket, request) => {
      let channels: readonly Channel[];
      let from: number;
      let engine: EngineService;
      try {
        authorize(request, keys);
        ({ channels, from } = subscription(request));
        engine = service();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // The HTTP status as a close code: 4401 no valid key, 4403 not allowed, 4400 bad input,
        // 4503 recovering.
        socket.send(JSON.stringify({ type: 'error', code: error.code, message: error.message }));
        socket.close(4000 + error.status, error.code);
        return;
      }
      metrics.streamClients.inc();
      const stream = new Stream(socket, channels, request.caller!, engine, bufferMax, () =>
        metrics.streamDrops.inc(),
      );
      socket.on('close', () => {
        stream.stop();
        metrics.streamClients.dec();
      });
      stream.start(from).catch(() => socket.terminate());
    },
  );
}

/** The channels and resume point asked for, each checked against the caller's role. */
function subscription(request: FastifyRequest): { channels: Channel[]; from: number } {
  const query = request.query as Record<string, string | undefined>;
  const caller = request.caller!;
  const names = (query.channels ?? '').split(',').filter((name) => name !== '');
  if (names.length === 0 || names.length > 64) {
    throw new ApiError(
      400,
      'bad_input',
      'channels: give 1 to 64 of account:ID, alerts, prices, book, liquidations',
      'channels',
    );
  }
  const channels = names.map((name): Channel => {
    if (name.startsWith('account:')) {
      const account = name.slice('account:'.length);
      if (caller.role === 'trader' && !caller.accounts.has(account)) {
        throw new ApiError(
          403,
          'account_forbidden',
          `this key may not read account ${account}`,
          'channels',
        );
      }
      return { kind: 'account', account };
    }
    if ((name === 'book' || name === 'liquidations') && caller.role === 'trader') {
      throw new ApiError(
        403,
        'role_forbidden',
        'a trader key may not read the whole book',
        'channels',
      );
    }
    if (name === 'alerts' || name === 'prices' || name === 'book' || name === 'liquidations') {
      return { kind: name };
    }
    throw new ApiError(
      400,
      'bad_input',
      `channels: ${name}: not a channel (account:ID, alerts, prices, book, liquidations)`,
      'channels',
    );
  });
  const given = query.from ?? '';
  const from = given === '' ? Number.NaN : Number(given);
  if (given !== '' && (!/^\d{1,15}$/.test(given) || from < 1)) {
    throw new ApiError(400, 'bad_input', 'from: an event sequence number, 1 or more', 'from');
  }
  return { channels, from };
}

/**
 * A liquidation order's event, a waterfall step, a debt the fund covered, or a fill that paid the
 * insurance fund or drew on it.
 */
function isLiquidation(body: Record<string, unknown>): boolean {
  if (typeof body.type === 'string' && body.type.startsWith('liquidation_')) return true;
  if (body.type === 'waterfall_step' || body.type === 'debt_covered') return true;
  return (
    body.type === 'filled' &&
    (body.movements as readonly { reason: string }[]).some(
      (m) => m.reason === 'liquidation-fee' || m.reason === 'insurance-cover',
    )
  );
}

/** One client's stream: the log's events from its resume point, then the live ones. */
class Stream {
  private stopListening: (() => void) | undefined;
  /** The last sequence sent: nothing at or before it is sent again. */
  private sent = 0;
  private readonly accounts: ReadonlySet<string>;

  constructor(
    private readonly socket: WebSocket,
    private readonly channels: readonly Channel[],
    private readonly caller: Caller,
    private readonly service: EngineService,
    private readonly bufferMax: number,
    private readonly dropped: () => void,
  ) {
    this.accounts = new Set(channels.flatMap((c) => (c.kind === 'account' ? [c.account] : [])));
  }

  /**
   * Live changes are listened for first and held while the log is read from `from`, so a change
   * that lands during the read is neither lost nor sent twice; without `from`, live from now.
   */
  async start(from: number): Promise<void> {
    const held: Change[] = [];
    let live = false;
    this.stopListening = this.service.listen((change) => {
      if (live) this.sendChange(change);
      else held.push(change);
    });
    if (Number.isNaN(from)) this.sent = this.service.sequence;
    else {
      for await (const { sequence, command, event } of this.service.eventsFrom(from)) {
        if (this.socket.readyState !== this.socket.OPEN) return;
        this.sendEvent(sequence, command, event, accountsOf(event));
      }
    }
    for (const change of held) this.sendChange(change);
    live = true;
    this.sendMargins(this.accounts, this.service.sequence);
    this.sendBook(this.service.sequence);
    this.send({ type: 'live', sequence: this.service.sequence });
  }

  stop(): void {
    this.stopListening?.();
  }

  private sendChange(change: Change): void {
    const touched = new Set<string>();
    change.bodies.forEach((body, index) => {
      const named = change.named[index]!;
      for (const account of this.accounts) if (named.has(account)) touched.add(account);
      this.sendEvent(change.first + index, change.command.id, body, named);
    });
    const last = change.first + change.events.length - 1;
    this.sendMargins(touched, last);
    this.sendBook(last);
  }

  /** The book's summary as of `sequence`, where the book is asked for. */
  private sendBook(sequence: number): void {
    if (!this.channels.some((c) => c.kind === 'book')) return;
    const riskiest = this.service.riskiest();
    this.send({ type: 'book', sequence, ...this.service.marginStates(), riskiest });
  }

  /** One event, on each channel it belongs to, where it is past what was sent. */
  private sendEvent(
    sequence: number,
    command: string,
    body: Record<string, unknown>,
    named: ReadonlySet<unknown>,
  ): void {
    if (sequence <= this.sent) return;
    this.sent = sequence;
    for (const channel of this.channels) {
      switch (channel.kind) {
        case 'account':
          if (named.has(channel.account))
            this.send({
              type: 'event',
              channel: `account:${channel.account}`,
              sequence,
              command,
              event: body,
            });
          break;
        case 'alerts':
          if (
            body.type === 'margin_state_changed' &&
            (this.caller.role !== 'trader' || this.caller.accounts.has(body.account as string))
          ) {
            this.send({
              type: 'alert',
              sequence,
              account: body.account,
              state: body.state,
              equity: body.equity,
              initialMargin: body.initialMargin,
              maintenanceMargin: body.maintenanceMargin,
            });
          }
          break;
        case 'prices':
          if (body.type === 'price_accepted' || body.type === 'funding_paid')
            this.send({ type: 'price', sequence, event: body });
          // An index's source left out, or the index marked unreliable: the oracle's alerts.
          else if (
            body.type === 'price_held' &&
            (body.excluded !== undefined ||
              (body.state as { unreliableSinceMs?: number }).unreliableSinceMs !== undefined)
          )
            this.send({ type: 'index', sequence, event: body });
          break;
        case 'liquidations':
          if (isLiquidation(body))
            this.send({ type: 'liquidation', sequence, command, event: body });
          break;
        case 'book':
          break;
      }
    }
  }

  /** Each account's margin now, exact, as of `sequence`. */
  private sendMargins(accounts: ReadonlySet<string>, sequence: number): void {
    for (const account of accounts) {
      try {
        const { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable } =
          this.service.figures(account);
        const state = this.service.host.ledger.marginStates.get(account) ?? 'healthy';
        this.send({
          type: 'margin',
          sequence,
          account,
          state,
          equity,
          initialMargin,
          maintenanceMargin,
          freeCollateral,
          liquidatable,
        });
      } catch (error) {
        // No such account yet, or a price it needs not held: nothing to say of its margin.
        if (!(error instanceof ApiError)) throw error;
      }
    }
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.bufferMax) {
      this.stop();
      this.dropped();
      this.socket.close(4008, 'slow consumer');
      setTimeout(() => this.socket.terminate(), closeGraceMs).unref();
      return;
    }
    this.socket.send(JSON.stringify(message, decimalsForBigints));
  }
}
