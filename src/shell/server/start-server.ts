import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nowMs } from '../clock.ts';
import { EngineHost } from '../engine/engine-host.ts';
import {
  rulesFromFiles,
  rulesFromLog,
  rulesOfVenueFile,
  settingsOf,
  type VenueRules,
} from '../engine/venue-rules.ts';
import { InputError } from '../import/reader.ts';
import type { EventStore } from '../store/event-store.ts';
import { openSqliteEventStore } from '../store/sqlite-event-store.ts';
import { KeyRing, type Role } from './api-keys.ts';
import { DemoFeed, demoAccounts, demoVenueFile } from './demo.ts';
import { EngineService } from './engine-service.ts';
import { lockData } from './process-lock.ts';
import { buildServer, type RiskServer } from './server.ts';

export interface StartOptions {
  /** The folder of the event log (`xmargin.db`) and the keys (`keys.json`). */
  readonly data: string;
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The venue file the log runs under; absent: the rules the log recorded, or the demo's. */
  readonly venue?: string;
  readonly locations?: string;
  /** Run the demo: its accounts and a live price feed. */
  readonly demo: boolean;
  /** The demo feed's tick interval (ms). */
  readonly demoEveryMs?: number;
  readonly logger?: boolean | { readonly level: string };
  readonly rateLimitPerMinute?: number;
}

export interface RunningServer {
  readonly server: RiskServer;
  /** `http://127.0.0.1:PORT` */
  readonly address: string;
  /** The demo's keys by role, where the demo runs. */
  readonly demoKeys?: Readonly<Record<Role, string>>;
  /** Graceful: intake stopped, commands in flight answered, the log closed, the demo stopped. */
  close(): Promise<void>;
}

/**
 * The server started over the log in `data`: it listens first (so `/health` answers and `/ready`
 * says 503 while recovering), then the ledger is rebuilt from the log (start-up and recovery are
 * one path), the venue's rules adopted, and only then is the engine attached and ready.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  mkdirSync(options.data, { recursive: true });
  const unlock = lockData(options.data);
  try {
    return await started(options, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function started(options: StartOptions, unlock: () => void): Promise<RunningServer> {
  const keys = KeyRing.open(join(options.data, 'keys.json'));
  const server = await buildServer({
    keys,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.rateLimitPerMinute === undefined
      ? {}
      : { rateLimitPerMinute: options.rateLimitPerMinute }),
  });
  let address: string;
  try {
    address = await server.app.listen({ host: options.host, port: options.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
    const why =
      code === 'EADDRINUSE'
        ? 'is in use'
        : code === 'EACCES'
          ? 'is not allowed'
          : 'is not an address of this machine';
    throw new InputError([
      `--port, --host: ${options.host}:${options.port} ${why}: give another (--port 0 takes any free one)`,
    ]);
  }
  try {
    return await recovered(options, server, keys, address, unlock);
  } catch (error) {
    // Nothing listens on for an engine that did not start.
    await server.app.close();
    throw error;
  }
}

/** The engine behind a listening server: the log replayed, the venue adopted, the demo set up. */
async function recovered(
  options: StartOptions,
  server: RiskServer,
  keys: KeyRing,
  address: string,
  unlock: () => void,
): Promise<RunningServer> {
  const db = join(options.data, 'xmargin.db');
  const opened = openSqliteEventStore(db);
  if (!opened.ok) {
    throw new InputError([`${db}: the event log is damaged: ${opened.corruption.detail}`]);
  }
  const store = server.metrics.timed(opened.store);
  let rules: VenueRules | undefined;
  const host = await closingOnFailure(store, () =>
    EngineHost.open(
      store,
      (ledger) => {
        rules =
          options.venue !== undefined
            ? rulesFromFiles(options.venue, options.locations, nowMs())
            : ledger.venueRules !== undefined
              ? rulesFromLog(ledger.venueRules, nowMs())
              : options.demo
                ? rulesOfVenueFile(
                    demoVenueFile(nowMs()),
                    process.cwd(),
                    null,
                    nowMs(),
                    'the demo venue',
                  )
                : undefined;
        if (rules === undefined) {
          throw new InputError([
            '--venue: required: this log records no venue rules yet (or run the demo: --demo)',
          ]);
        }
        return settingsOf(rules);
      },
      nowMs,
    ),
  );
  await closingOnFailure(store, () => host.adoptVenue(rules!.digest, false, rules!.text));
  const service = new EngineService(host, store);
  let demo: DemoFeed | undefined;
  let demoKeys: Record<Role, string> | undefined;
  if (options.demo) {
    demoKeys = demoKeysIn(options.data, keys);
    demo = new DemoFeed(service, 20261202, options.demoEveryMs);
    await demo.setUp();
  }
  server.attach(service);
  demo?.start();
  return {
    server,
    address,
    ...(demoKeys === undefined ? {} : { demoKeys }),
    async close() {
      demo?.stop();
      await server.app.close();
      await service.drained();
      await store.close();
      unlock();
    },
  };
}

/** `work`'s answer; the store closed where it fails. */
async function closingOnFailure<T>(store: EventStore, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * The demo's four keys, one per role: made on its first start and kept in `demo-keys.json` beside
 * the ring (a demo's keys are printed at every start; a real venue makes its own, `xmargin keys`).
 */
function demoKeysIn(data: string, keys: KeyRing): Record<Role, string> {
  const file = join(data, 'demo-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<Role, string>;
  const now = new Date(nowMs());
  const made: Record<Role, string> = {
    trader: keys.create(
      'trader',
      [demoAccounts.cross, demoAccounts.isolated, demoAccounts.portfolio],
      'demo trader',
      now,
    ).key,
    operator: keys.create('operator', [], 'demo operator', now).key,
    risk_viewer: keys.create('risk_viewer', [], 'demo risk viewer', now).key,
    admin: keys.create('admin', [], 'demo admin', now).key,
  };
  writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  return made;
}
