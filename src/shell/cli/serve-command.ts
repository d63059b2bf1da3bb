import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nowMs } from '../clock.ts';
import { parseJsonText } from '../import/json-text.ts';
import { InputError, Reader, settle } from '../import/reader.ts';
import { KeyRing, type Role, roles } from '../server/api-keys.ts';
import { startServer } from '../server/start-server.ts';

export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  readonly demo?: boolean;
  readonly config?: string;
  readonly venue?: string;
  readonly locations?: string;
  readonly logLevel?: string;
}

/** What a config file may set; a flag given on the command line wins over it. */
interface ServeConfig {
  port?: number;
  host?: string;
  data?: string;
  demo?: boolean;
  venue?: string;
  locations?: string;
  logLevel?: string;
  rateLimitPerMinute?: number;
}

/**
 * `xmargin serve`: the engine behind its HTTP API on 127.0.0.1:8080 by default, its log and keys
 * in `./data`, the demo on unless `--no-demo`. Runs until SIGINT or SIGTERM, then shuts down
 * gracefully: intake stops, commands in flight are answered, the log is closed.
 */
export async function serveCommand(
  flags: ServeFlags,
  print: (text: string) => void,
): Promise<void> {
  const config = flags.config === undefined ? {} : readConfig(flags.config);
  const port = portOf(flags.port ?? (config.port === undefined ? undefined : String(config.port)));
  const running = await startServer({
    data: flags.data ?? config.data ?? 'data',
    host: flags.host ?? config.host ?? '127.0.0.1',
    port,
    demo: flags.demo ?? config.demo ?? true,
    ...((flags.venue ?? config.venue) === undefined
      ? {}
      : { venue: (flags.venue ?? config.venue)! }),
    ...((flags.locations ?? config.locations) === undefined
      ? {}
      : { locations: (flags.locations ?? config.locations)! }),
    logger: { level: flags.logLevel ?? config.logLevel ?? 'warn' },
    ...(config.rateLimitPerMinute === undefined
      ? {}
      : { rateLimitPerMinute: config.rateLimitPerMinute }),
  });
  print(`xmargin serving on ${running.address}`);
  print(`  API docs:  ${running.address}/docs   (OpenAPI: ${running.address}/openapi.json)`);
  print(`  ready:     ${running.address}/ready   metrics: ${running.address}/metrics`);
  if (running.demoKeys !== undefined) {
    print('  demo keys (send as "Authorization: Bearer KEY"):');
    for (const role of roles) print(`    ${role.padEnd(12)}${running.demoKeys[role]}`);
    print(
      `  try: curl -H "Authorization: Bearer ${running.demoKeys.trader}" ${running.address}/v1/accounts/demo-cross`,
    );
  }
  print('Ctrl-C stops it; started again, it resumes from its own log.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      running.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) {
    throw new InputError([`--port: must be a port number, 0 to 65535 (got "${value}")`]);
  }
  return port;
}

function readConfig(file: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError([`${file}: cannot be read`]);
  }
  const reader = new Reader(parseJsonText(text, file), '', []);
  if (!reader.object()) settle(reader);
  reader.only([
    'port',
    'host',
    'data',
    'demo',
    'venue',
    'locations',
    'logLevel',
    'rateLimitPerMinute',
  ]);
  const config: ServeConfig = {};
  if (reader.has('port')) config.port = whole(reader.field('port'), 65_535);
  for (const key of ['host', 'data', 'venue', 'locations', 'logLevel'] as const) {
    if (reader.has(key)) config[key] = reader.field(key).string();
  }
  if (reader.has('demo')) config.demo = reader.field('demo').optionalBoolean();
  if (reader.has('rateLimitPerMinute')) {
    config.rateLimitPerMinute = whole(reader.field('rateLimitPerMinute'), 10_000_000, 1);
  }
  try {
    settle(reader);
  } catch (error) {
    throw new InputError((error as InputError).issues.map((issue) => `${file}: ${issue}`));
  }
  return config;
}

function whole(field: Reader, max: number, min = 0): number {
  const value = field.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    field.fail(`must be a whole number, ${min} to ${max}`);
    return min;
  }
  return value;
}

/**
 * `xmargin keys create|list|revoke`: the API keys in DATA/keys.json. A key's secret is printed
 * once, when it is made; the file holds its hash alone.
 */
export function keysCommand(
  action: string,
  args: readonly string[],
  flags: { data?: string; role?: string; account?: string[]; label?: string },
  print: (text: string) => void,
): void {
  const data = flags.data ?? 'data';
  if (action === 'create') mkdirSync(data, { recursive: true });
  const ring = KeyRing.open(join(data, 'keys.json'));
  const now = new Date(nowMs());
  switch (action) {
    case 'create': {
      const role = flags.role as Role | undefined;
      if (role === undefined || !roles.includes(role)) {
        throw new InputError([`--role: must be one of: ${roles.join(', ')}`]);
      }
      const accounts = flags.account ?? [];
      if (role === 'trader' && accounts.length === 0) {
        throw new InputError([
          '--account: a trader key names the accounts it may act on (--account ID, repeated)',
        ]);
      }
      if (role !== 'trader' && accounts.length > 0) {
        throw new InputError([
          `--account: only a trader key is limited to accounts (a ${role} sees all)`,
        ]);
      }
      const { key, stored } = ring.create(role, accounts, flags.label ?? '', now);
      print(`${stored.id}  ${role}${accounts.length > 0 ? `  ${accounts.join(',')}` : ''}`);
      print(key);
      return;
    }
    case 'list':
      for (const key of ring.list()) {
        print(
          `${key.id}  ${key.role.padEnd(12)}${key.revokedAt === undefined ? 'active ' : 'revoked'}  ${key.createdAt}` +
            `${key.accounts.length > 0 ? `  ${key.accounts.join(',')}` : ''}${key.label === '' ? '' : `  ${key.label}`}`,
        );
      }
      return;
    case 'revoke': {
      const id = args[0];
      if (id === undefined)
        throw new InputError(['keys revoke: give the key id (keys list shows them)']);
      if (!ring.revoke(id, now)) throw new InputError([`keys revoke: no key ${id}`]);
      print(`${id} revoked`);
      return;
    }
    default:
      throw new InputError([`keys: ${action}: must be create, list or revoke`]);
  }
}
