import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateHash } from '../../src/core/ledger/state-hash.ts';
import { EngineHost } from '../../src/shell/engine/engine-host.ts';
import { rulesFromFiles, settingsOf } from '../../src/shell/engine/venue-rules.ts';
import { readCommandFile } from '../../src/shell/import/command-file.ts';
import { commandRoutes } from '../../src/shell/server/command-paths.ts';
import { MemoryEventLog, openMemoryEventStore } from '../../src/shell/store/memory-event-store.ts';
import { bodyOf, recoveringServer, routeOf, testServer } from './server-kit.ts';

/**
 * The routes give the engine exactly the commands `xmargin run` reads from a file: each recorded
 * day posted line by line through its route (schema, then the command reader) ends in the state a
 * host fed the same file reaches, answer for answer.
 */
describe.each([
  ['examples/engine/day.jsonl', 'examples/engine/venue.json'],
  ['examples/engine/options-day.jsonl', 'examples/engine/options-venue.json'],
])('%s through the HTTP routes', (day, venueFile) => {
  it('answers every line as the engine does and reaches the same state hash', async () => {
    const text = readFileSync(day, 'utf8');
    const t = await testServer(venueFile);
    const viaRoutes: string[] = [];
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const sent = JSON.parse(line) as Record<string, unknown>;
      t.at(sent.issuedAtMs as number);
      const route = routeOf(sent.type as string);
      // A trader-only command is sent with a key for its own account.
      const key = route.roles.includes('operator')
        ? t.keys.operator
        : t.ring.create('trader', [sent.account as string], '', new Date(0)).key;
      const { url, body } = bodyOf(sent);
      const response = await t.app.inject({
        method: 'POST',
        url,
        payload: body as object,
        headers: { authorization: `Bearer ${key}` },
      });
      type Said = { kind?: string; rejection?: { code: string } };
      const json = response.json() as Said & { answers?: Said[] };
      const said = json.answers?.[0] ?? json;
      viaRoutes.push(
        said.kind === 'rejected'
          ? `rejected:${said.rejection!.code}`
          : `${said.kind ?? response.statusCode}`,
      );
    }

    let timeMs = 0;
    const rules = rulesFromFiles(venueFile, undefined, Date.UTC(2026, 11, 24));
    const opened = openMemoryEventStore(new MemoryEventLog());
    if (!opened.ok) throw new Error('no log');
    const host = await EngineHost.open(opened.store, settingsOf(rules), () => timeMs);
    await host.adoptVenue(rules.digest, false, rules.text);
    const direct: string[] = [];
    for (const command of readCommandFile(text, day)) {
      timeMs = command.issuedAtMs!;
      if (command.type === 'pre_trade_check') {
        const { id: _id, type: _type, issuedAtMs: _at, ...order } = command;
        const checked = host.check(order);
        direct.push(
          checked.kind === 'refused' ? `rejected:${checked.rejection.code}` : checked.kind,
        );
      } else {
        const answer = await host.submit(command);
        direct.push(answer.kind === 'rejected' ? `rejected:${answer.rejection.code}` : answer.kind);
      }
    }
    expect(viaRoutes).toEqual(direct);
    expect(direct).toContain('accepted');
    expect(t.hash()).toBe(stateHash(host.ledger));
  });
});

describe('the OpenAPI document and its page', () => {
  it('documents every command route with its body schema, and /docs serves the page', async () => {
    const t = await testServer();
    const document = (await t.get('/openapi.json')).json() as {
      paths: Record<string, { post?: { requestBody?: unknown }; get?: unknown }>;
    };
    for (const route of commandRoutes) {
      expect(document.paths[route.path]?.post?.requestBody, route.path).toBeDefined();
    }
    expect(document.paths['/v1/accounts/{account}']?.get).toBeDefined();
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});

describe('health, readiness and recovery', () => {
  it('answers 503 recovering on every engine route until the engine is attached', async () => {
    const { server, key } = await recoveringServer('operator');
    const headers = { authorization: `Bearer ${key}` };
    expect((await server.app.inject({ url: '/health' })).statusCode).toBe(200);
    const ready = await server.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('recovering');
    const status = await server.app.inject({ url: '/v1/status', headers });
    expect(status.statusCode).toBe(503);
    const deposit = await server.app.inject({
      method: 'POST',
      url: '/v1/deposits',
      headers,
      payload: { id: 'd', account: 'a', asset: 'USDT', amount: '1' },
    });
    expect(deposit.statusCode).toBe(503);
    expect(deposit.json().error.code).toBe('recovering');
  });
});
