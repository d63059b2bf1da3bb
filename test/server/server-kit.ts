import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { stateHash } from '../../src/core/ledger/state-hash.ts';
import { EngineHost } from '../../src/shell/engine/engine-host.ts';
import { rulesFromFiles, settingsOf } from '../../src/shell/engine/venue-rules.ts';
import { KeyRing, type Role } from '../../src/shell/server/api-keys.ts';
import { commandRoutes } from '../../src/shell/server/command-paths.ts';
import { EngineService } from '../../src/shell/server/engine-service.ts';
import { buildServer, type ServerOptions } from '../../src/shell/server/server.ts';
import { MemoryEventLog, openMemoryEventStore } from '../../src/shell/store/memory-event-store.ts';

/** The accounts examples/engine/day.jsonl trades; the test trader owns alice and bob. */
export const traderAccounts = ['alice', 'bob'];

export type KeyName = Role | 'other_trader';

/**
 * A server over an in-memory log under the venue of examples/engine/day.jsonl, its clock the
 * test's (`at`), with a key of every role: the trader's own accounts are alice and bob, the other
 * trader's carol.
 */
export async function testServer(
  venueFile = 'examples/engine/venue.json',
  options: Partial<ServerOptions> = {},
) {
  // Before every recorded day and the host clock: the test moves it on (`at`).
  let timeMs = Date.UTC(2026, 10, 1);
  const rules = rulesFromFiles(venueFile, undefined, timeMs);
  const ring = KeyRing.inMemory();
  const now = new Date(timeMs);
  const keys: Record<KeyName, string> = {
    trader: ring.create('trader', traderAccounts, 'trader', now).key,
    other_trader: ring.create('trader', ['carol'], 'other', now).key,
    operator: ring.create('operator', [], 'operator', now).key,
    risk_viewer: ring.create('risk_viewer', [], 'risk', now).key,
    admin: ring.create('admin', [], 'admin', now).key,
  };
  const log = new MemoryEventLog();
  const opened = openMemoryEventStore(log);
  if (!opened.ok) throw new Error('memory log did not open');
  const server = await buildServer({ keys: ring, ...options });
  const store = server.metrics.timed(opened.store);
  const host = await EngineHost.open(store, settingsOf(rules), () => timeMs);
  await host.adoptVenue(rules.digest, false, rules.text);
  const service = new EngineService(host, store);
  server.attach(service);
  const { app } = server;
  const headers = (key: KeyName | undefined) =>
    key === undefined ? {} : { authorization: `Bearer ${keys[key]}` };
  return {
    app,
    server,
    ring,
    keys,
    host,
    service,
    rules,
    at(ms: number) {
      timeMs = ms;
    },
    hash: () => stateHash(host.ledger),
    post: (url: string, body: unknown, key?: KeyName): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'POST', url, payload: body as object, headers: headers(key) }),
    raw: (url: string, payload: string | Buffer, key?: KeyName, contentType = 'application/json') =>
      app.inject({
        method: 'POST',
        url,
        payload,
        headers: { ...headers(key), 'content-type': contentType },
      }),
    get: (url: string, key?: KeyName) => app.inject({ method: 'GET', url, headers: headers(key) }),
  };
}

/** A test server that has run `lines` of a recorded day (all of it by default), each at its time. */
export async function serverAfter(
  day = 'examples/engine/day.jsonl',
  count = Number.POSITIVE_INFINITY,
) {
  const t = await testServer();
  const lines = readFileSync(day, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  await feed(t, lines.slice(0, count));
  return t;
}

/**
 * Each line of a recorded day through its route at its time: a trader-only command with the
 * trader's key, every other with the operator's.
 */
export async function feed(t: Awaited<ReturnType<typeof testServer>>, lines: readonly string[]) {
  for (const line of lines) {
    const sent = JSON.parse(line) as Record<string, unknown>;
    t.at(sent.issuedAtMs as number);
    const { url, body } = bodyOf(sent);
    const key: KeyName = ['set_leverage', 'set_margin_mode'].includes(sent.type as string)
      ? 'trader'
      : 'operator';
    await t.post(url, body, key);
  }
}

/** The route that submits a command type. */
export function routeOf(type: string): (typeof commandRoutes)[number] {
  const route = commandRoutes.find((r) => r.type === type);
  if (route === undefined) throw new Error(`no route for ${type}`);
  return route;
}

/** A command line as its route's body: without `type`, a batch's items where the route batches. */
export function bodyOf(line: Record<string, unknown>): { url: string; body: unknown } {
  const { type, ...rest } = line;
  const route = routeOf(type as string);
  return { url: route.path, body: route.batch === true ? { items: [rest] } : rest };
}

/** A server whose engine never attaches, as one still replaying its log, and a key of `role`. */
export async function recoveringServer(role: Role) {
  const ring = KeyRing.inMemory();
  const { key } = ring.create(role, [], '', new Date(0));
  return { server: await buildServer({ keys: ring }), key };
}
