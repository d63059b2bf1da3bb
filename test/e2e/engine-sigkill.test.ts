import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateHash } from '../../src/core/ledger/state-hash.ts';
import { replay, replayFromStart } from '../../src/shell/engine/engine-host.ts';
import { seededRandom } from '../../src/shell/seeded-random.ts';
import type { EventStore } from '../../src/shell/store/event-store.ts';
import { openSqliteEventStore } from '../../src/shell/store/sqlite-event-store.ts';
import { pinClock, pinnedNow, runCliAsync, scratchFolder } from './cli-harness.ts';

/**
 * Issue 9, "Bad input and faults": a process killed at any moment loses nothing acknowledged and
 * applies nothing twice. `xmargin run DB --commands -` runs in a real child process while a seeded
 * stream of commands (accounts opened, deposits, transfers, withdrawals, price ticks, repeats, ids
 * reused, commands the engine refuses, lines that are not commands) is written to it in pieces; it
 * is killed with SIGKILL after a random number of answers or a random delay (during start-up
 * too), restarted on the same log, and the client sends again from its first unanswered line (and a
 * few before it). Snapshots every 5 events, so kills fall on both sides of them.
 *
 * After each kill: every command answered `accepted` or `duplicate` is in the log as it was
 * answered (`ledger.answered`), at most the one command being answered when the kill came is in
 * it besides; the log is a prefix of an uninterrupted run's log of the same stream, event for event;
 * and `xmargin replay` (latest snapshot + tail) reaches the hash of a replay from event 1. At the
 * end the recovered log is the uninterrupted one, and the whole stream sent once more is answered
 * from the log (`duplicate`) with no second effect.
 */
pinClock();
const scratch = scratchFolder();
const now = pinnedNow.getTime();
const venue = 'examples/cross-and-isolated.json';
const snapshotEvery = '5';
const seed = 20261201;
const streamLength = 320;
const kills = 16;

/** The child's clock fixed at `pinnedNow`, as `pinClock` fixes this process's: log time is fixed. */
const child = [
  '--import',
  'tsx',
  '--import',
  `data:text/javascript,Date.now=()=>${now}`,
  'src/shell/cli/main.ts',
];

/** What a line of the stream must be answered, in a run that nothing interrupts. */
type Expected = 'accepted' | 'duplicate' | 'bad_input' | `rejected ${string}`;

interface Line {
  readonly text: string;
  readonly id: string;
  /** The id its answer names: none for a line that is not JSON. */
  readonly answerId: string | undefined;
  readonly expected: Expected;
}

/** One answer line of `run --json`. */
interface Answered {
  readonly id?: string;
  readonly kind: 'accepted' | 'duplicate' | 'rejected';
  readonly first?: number;
  readonly count?: number;
  readonly events?: readonly unknown[];
  readonly rejection?: { readonly code: string; readonly field: string };
}

interface Session {
  readonly answers: readonly Answered[];
  readonly summary?: { readonly events: number; readonly stateHash: string };
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Killed after this many answers, or this long after the start if sooner; or let end. */
type Stop = { readonly afterAnswers: number; readonly afterMs?: number } | 'at_end';

describe('xmargin run killed with SIGKILL while commands stream in', () => {
  it(`loses nothing answered and applies nothing twice, over ${kills} kills`, async () => {
    const random = seededRandom(seed);
    const lines = commandStream(random, streamLength);

    // The reference: the whole stream, uninterrupted, into a fresh log.
    const cleanDb = scratch.path('clean.db');
    const clean = await session(cleanDb, lines, 0, 'at_end', seededRandom(seed - 1));
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.answers.map(verdict)).toEqual(lines.map((line) => line.expected));
    const cleanLog = await logOf(cleanDb);
    expect(cleanLog.length).toBe(clean.summary!.events);
    expect(clean.summary!.events).toBeGreaterThan(100);

    const db = scratch.path('killed.db');
    /** Every answer `accepted` (or `duplicate`) so far: the events the log must hold for it. */
    const answered = new Map<string, { first: number; count: number }>();
    let next = 0;
    let killed = 0;
    let killedBeforeAnAnswer = 0;
    /** Restarts from a snapshot with events after it to replay. */
    let snapshotAndTail = 0;
    while (killed < kills && next < lines.length) {
      const start = Math.max(0, next - Math.floor(random() * 4));
      const left = lines.length - start;
      // After a number of answers, or sooner after a delay (start-up, replay and all).
      const afterAnswers = 1 + Math.floor(random() * Math.ceil(left / (kills - killed + 2)));
      const stop: Stop =
        random() < 0.3 ? { afterAnswers, afterMs: Math.floor(random() * 1200) } : { afterAnswers };
      const run = await session(db, lines, start, stop, seededRandom(seed + killed));
      expect(run.signal, run.stderr).toBe('SIGKILL');
      killed += 1;
      if (run.answers.length === 0) killedBeforeAnAnswer += 1;
      run.answers.forEach((answer, i) => {
        const line = lines[start + i]!;
        expect(answer.id).toBe(line.answerId);
        if (answer.kind === 'rejected') return;
        const events = { first: answer.first!, count: answer.count ?? answer.events!.length };
        if (answer.kind === 'duplicate') expect(answered.get(line.id) ?? events).toEqual(events);
        answered.set(line.id, events);
      });
      // Sent again from a little before it, a run killed early leaves it where it was.
      next = Math.max(next, start + run.answers.length);

      if (!existsSync(db)) {
        // Killed before the log was made: nothing can have been answered.
        expect(answered.size).toBe(0);
        continue;
      }
      const { ledger: recovered, snapshotAt } = await recoveredLedger(db);
      if (snapshotAt > 0 && snapshotAt < recovered.events) snapshotAndTail += 1;
      // Nothing answered is lost: each is in the log, with the events it was answered with.
      for (const [id, events] of answered) {
        expect(recovered.answered.get(id), `command ${id}`).toMatchObject(events);
      }
      // Nothing else but the first line not answered, which a kill may catch between its append
      // and its answer.
      // (The engine's own record of the venue's rules, `venue@N`, is no client's command.)
      const unanswered = [...recovered.answered.keys()].filter(
        (id) => !answered.has(id) && !id.startsWith('venue@'),
      );
      expect(unanswered.length).toBeLessThanOrEqual(1);
      if (unanswered.length === 1) expect(unanswered[0]).toBe(lines[next]!.id);
      // The log is the uninterrupted run's, as far as it goes: nothing applied twice or out of turn.
      const log = await logOf(db);
      expect(log).toEqual(cleanLog.slice(0, log.length));
      expect(recovered.events).toBe(log.length);
    }
    expect(killed).toBe(kills);
    // Most kills land while answers stream out, some during start-up.
    expect(killed - killedBeforeAnAnswer).toBeGreaterThanOrEqual(kills / 2);
    expect(snapshotAndTail).toBeGreaterThanOrEqual(kills / 4);

    // The rest of the stream, to its end: the uninterrupted run's log and state.
    const last = await session(db, lines, Math.max(0, next - 2), 'at_end', seededRandom(seed - 2));
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    expect(await logOf(db)).toEqual(cleanLog);
    expect(last.summary).toMatchObject(sameState(clean));
    await recoveredLedger(db);

    // The whole stream once more: every command in the log answered as before, nothing changed.
    const again = await session(db, lines, 0, 'at_end', seededRandom(seed - 3));
    expect(again.code).toBe(0);
    const firstEvents = new Map(
      clean.answers.filter((a) => a.kind === 'accepted').map((a) => [a.id, a.first]),
    );
    expect(again.answers.map(verdict)).toEqual(
      lines.map((line) =>
        line.expected === 'accepted' || line.expected === 'duplicate' ? 'duplicate' : line.expected,
      ),
    );
    for (const answer of again.answers.filter((a) => a.kind === 'duplicate')) {
      expect(answer.first).toBe(firstEvents.get(answer.id));
    }
    expect(again.summary).toMatchObject(sameState(clean));
    expect(await logOf(db)).toEqual(cleanLog);
  }, 180_000);
});

describe('xmargin run --commands -', () => {
  it('answers each line as it arrives; a bad line is answered bad_input, named, and the stream goes on', async () => {
    const db = scratch.path('stream.db');
    const args = ['run', db, '--commands', '-', '--venue', venue, '--snapshot-every', '2'];
    const stream = spawn(process.execPath, [...child, ...args]);
    let out = '';
    const answered = (count: number) =>
      new Promise<void>((done) => {
        const check = () => {
          if (out.split('\n').length - 1 < count) return;
          stream.stdout.off('data', check);
          done();
        };
        stream.stdout.on('data', check);
        check();
      });
    stream.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const tick = { type: 'price_tick', feed: 'index:USDT', sequence: 1, timeMs: now, price: '1' };
    const sent = [
      JSON.stringify({ id: 't1', ...tick }),
      '{"id":"1","type":"open_account","account":"alice"}',
      '',
      '{"id":"2","type":"deposit","account":"alice","asset":"USDT","amount":2.5}',
      'deposit 2.5 please',
      '{"id":"3","type":"deposit","account":"alice","asset":"USDT","amount":"2.5"}',
      '{"id":"1","type":"open_account","account":"alice"}',
    ];
    // Each line only once the one before it is answered: no answer waits for the end of input.
    let answers = 0;
    for (const line of sent) {
      stream.stdin.write(`${line}\n`);
      if (line !== '') await answered(++answers);
    }
    stream.stdin.end();
    const code = await new Promise((done) => stream.on('close', done));
    expect(code).toBe(0);
    expect(out.trim().split('\n').slice(0, 6)).toEqual([
      't1  accepted  event 2',
      '1  accepted  event 3',
      '2  rejected  bad_input (amount)  (stdin):4: amount: must be a decimal string (write "0.1", not 0.1)',
      '-  rejected  bad_input ((root))  (stdin):5: not valid JSON at line 1:1: expected a value, found "d"',
      '3  accepted  event 4',
      '1  already answered  event 3',
    ]);
    expect(out).toMatch(
      /6 commands: 3 accepted, 1 already answered, 2 rejected\. The log holds 4 events/,
    );
    const replayed = await runCliAsync(['replay', db]);
    expect(replayed.stdout).toContain('USDT: 2.5 deposited, 0 withdrawn');
  });

  it('refuses a snapshot interval that is not a number of events, before reading a line', async () => {
    const db = scratch.path('never.db');
    const args = ['run', db, '--commands', '-', '--venue', venue, '--snapshot-every', '0'];
    const refused = await runCliAsync(args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'xmargin: bad input\n  --snapshot-every: must be a number of events, 1 or more (got "0")\n',
    );
    expect(existsSync(db)).toBe(false);
  });
});

/** The log's length and the state hash of a run's summary. */
function sameState(run: Session) {
  return { events: run.summary!.events, stateHash: run.summary!.stateHash };
}

function verdict(answer: Answered): Expected {
  if (answer.kind !== 'rejected') return answer.kind;
  const code = answer.rejection!.code;
  return code === 'bad_input' ? 'bad_input' : `rejected ${code}`;
}

/**
 * `xmargin run DB --commands - --json` in its own process, fed `lines` from `start` in pieces of
 * random length (a line often split between two writes), a few lines ahead of the answers; killed
 * with SIGKILL at `stop`, or given the end of its input. Every answer it wrote before it died is
 * read: an answer that reached the pipe is one a client may have acted on.
 */
function session(
  db: string,
  lines: readonly Line[],
  start: number,
  stop: Stop,
  random: () => number,
): Promise<Session> {
  const args = ['run', db, '--commands', '-', '--venue', venue, '--json'];
  const engine = spawn(process.execPath, [...child, ...args, '--snapshot-every', snapshotEvery]);
  const text = lines
    .slice(start)
    .map((line) => `${line.text}\n`)
    .join('');
  const ends: number[] = [];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) ends.push(at + 1);
  const ahead = 1 + Math.floor(random() * 12);
  let written = 0;
  let out = '';
  let stderr = '';
  let dead = false;
  const answers = () => out.split('\n').length - 1;
  const kill = () => {
    if (!dead) engine.kill('SIGKILL');
    dead = true;
  };
  const feed = () => {
    if (dead) return;
    const target = ends[Math.min(answers() + ahead, ends.length) - 1] ?? 0;
    while (written < target) {
      const piece = Math.min(target - written, 1 + Math.floor(random() * 120));
      engine.stdin.write(text.slice(written, written + piece));
      written += piece;
    }
    if (stop === 'at_end' && written === text.length) engine.stdin.end();
  };
  // A write to a child already killed fails with EPIPE: the kill is the point.
  engine.stdin.on('error', () => {});
  engine.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  engine.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (stop !== 'at_end' && answers() >= stop.afterAnswers) {
      kill();
    }
    feed();
  });
  if (stop !== 'at_end' && stop.afterMs !== undefined) setTimeout(kill, stop.afterMs);
  feed();
  return new Promise((done, fail) => {
    engine.on('error', fail);
    engine.on('close', (code, signal) => {
      dead = true;
      // Only whole lines: a line cut off by the kill was never an answer.
      const parsed = out
        .split('\n')
        .slice(0, answers())
        .map((line) => JSON.parse(line) as Answered & { summary?: Session['summary'] });
      const summary = parsed.find((line) => line.summary !== undefined)?.summary;
      done({
        answers: parsed.filter((line) => line.summary === undefined),
        ...(summary === undefined ? {} : { summary }),
        code,
        signal,
        stderr,
      });
    });
  });
}

/** The log's events as stored (type, log time, body), from event 1, each checksum checked. */
async function logOf(db: string): Promise<{ type: string; logTimeMs: number; body: string }[]> {
  return withStore(db, async (store) => {
    const events = [];
    for await (const { type, logTimeMs, body } of store.read(1)) {
      events.push({ type, logTimeMs, body });
    }
    return events;
  });
}

/**
 * The ledger a restart rebuilds from the log, checked: `xmargin replay` (the latest snapshot and
 * the events after it) reaches the hash of a replay of every event from the first.
 */
async function recoveredLedger(db: string) {
  const replayed = await runCliAsync(['replay', db, '--json']);
  expect(replayed.stderr).toBe('');
  expect(replayed.code).toBe(0);
  const fromStart = await withStore(db, replayFromStart);
  const { ledger, snapshotAt } = await withStore(db, replay);
  expect(JSON.parse(replayed.stdout).stateHash).toBe(stateHash(fromStart));
  expect(stateHash(ledger)).toBe(stateHash(fromStart));
  expect(snapshotAt).toBeLessThanOrEqual(ledger.events);
  return { ledger: fromStart, snapshotAt };
}

async function withStore<T>(db: string, use: (store: EventStore) => Promise<T>): Promise<T> {
  const opened = openSqliteEventStore(db, { mustExist: true });
  if (!opened.ok) throw new Error(`the log is damaged: ${JSON.stringify(opened.corruption)}`);
  try {
    return await use(opened.store);
  } finally {
    await opened.store.close();
  }
}

/**
 * A seeded stream of `length` lines and what each must be answered in a run nothing interrupts.
 * The engine's refusals here are ones it gives whatever came before (an account never opened, a
 * transfer to self, more than was ever deposited, a stale tick, an id already used for another
 * body), so a line sent again after a restart is answered as it was, or as a repeat.
 */
function commandStream(random: () => number, length: number): Line[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const lines: Line[] = [];
  const accepted: { command: Record<string, unknown>; text: string }[] = [];
  const accounts: string[] = [];
  /** Per account and asset, in the asset's smallest unit used here (cents, 0.0001 BTC). */
  const balances = new Map<string, bigint>();
  const units = { USDT: 2, BTC: 4 } as const;
  type Asset = keyof typeof units;
  const amount = (units_: bigint, asset: Asset) => decimal(units_, units[asset]);
  let id = 0;
  let btcSequence = 0;
  let btcCents = 6_000_000n;

  const add = (command: Record<string, unknown>, expected: Expected) => {
    const text = JSON.stringify(command);
    lines.push({ text, id: String(command.id), answerId: String(command.id), expected });
    if (expected === 'accepted') accepted.push({ command, text });
  };
  const fresh = () => `c${++id}`;
  const open = () => {
    const account = `a${accounts.length}`;
    accounts.push(account);
    add({ id: fresh(), type: 'open_account', account }, 'accepted');
  };
  const btcTick = (price: bigint, timeMs = now) => {
    btcSequence += 1;
    const tick = { id: fresh(), type: 'price_tick', feed: 'index:BTC', sequence: btcSequence };
    add({ ...tick, timeMs, price: decimal(price, 2) }, 'accepted');
  };
  const held = (account: string, asset: Asset) => balances.get(`${account} ${asset}`) ?? 0n;
  const move = (account: string, asset: Asset, by: bigint) =>
    balances.set(`${account} ${asset}`, held(account, asset) + by);

  const price = { id: fresh(), type: 'price_tick', sequence: 1, timeMs: now };
  add({ ...price, feed: 'index:USDT', price: '1' }, 'accepted');
  btcTick(btcCents);
  open();
  open();
  while (lines.length < length) {
    const roll = random();
    const account = pick(accounts);
    const asset = pick(['USDT', 'BTC'] as const);
    if (roll < 0.05 && accounts.length < 8) {
      open();
    } else if (roll < 0.3) {
      const units_ = 1n + BigInt(Math.floor(random() * 100_000));
      move(account, asset, units_);
      add(
        { id: fresh(), type: 'deposit', account, asset, amount: amount(units_, asset) },
        'accepted',
      );
    } else if (roll < 0.52) {
      const funded = accounts.filter((a) => held(a, asset) > 0n);
      if (funded.length === 0 || accounts.length < 2) continue;
      const from = pick(funded);
      const to = pick(accounts.filter((a) => a !== from));
      const units_ = 1n + BigInt(Math.floor(random() * Number(held(from, asset))));
      const transfer = { id: fresh(), type: 'transfer', from, to, asset };
      if (random() < 0.5) {
        move(from, asset, -units_);
        move(to, asset, units_);
        add({ ...transfer, amount: amount(units_, asset) }, 'accepted');
      } else {
        move(from, asset, -units_);
        add(
          { id: fresh(), type: 'withdraw', account: from, asset, amount: amount(units_, asset) },
          'accepted',
        );
      }
    } else if (roll < 0.68) {
      // Mostly a walk within the guard's band; now and then a jump beyond it, held until confirmed.
      const step = random() < 0.08 ? 1300n : BigInt(970 + Math.floor(random() * 61));
      btcCents = (btcCents * step) / 1000n;
      btcTick(btcCents);
    } else if (roll < 0.74 && accepted.length > 0) {
      const repeated = pick(accepted);
      const { text, command } = repeated;
      lines.push({
        text,
        id: String(command.id),
        answerId: String(command.id),
        expected: 'duplicate',
      });
    } else if (roll < 0.78 && accepted.length > 0) {
      const reused = pick(accepted).command;
      add({ ...reused, issuedAtMs: now }, 'rejected command_id_reused');
    } else if (roll < 0.88) {
      const refused: [Record<string, unknown>, string][] = [
        [{ type: 'deposit', account: 'nobody', asset, amount: '1' }, 'account_not_found'],
        [{ type: 'transfer', from: account, to: account, asset, amount: '1' }, 'transfer_to_self'],
        [{ type: 'withdraw', account, asset, amount: '1000000000' }, 'insufficient_balance'],
        [{ type: 'open_account', account: pick(accounts) }, 'account_exists'],
        [
          {
            type: 'price_tick',
            feed: 'index:BTC',
            // Above any sequence the feed will reach: stale first, whatever came before.
            sequence: Number.MAX_SAFE_INTEGER,
            timeMs: now - 120_000,
            price: '1',
          },
          'tick_stale',
        ],
        [
          { type: 'price_tick', feed: 'index:BTC', sequence: 0, timeMs: now, price: '1' },
          'tick_out_of_order',
        ],
      ];
      const [command, code] = pick(refused);
      add({ id: fresh(), ...command }, `rejected ${code}`);
    } else {
      const bad = [
        `{"id":"${fresh()}","type":"deposit","account":"${account}","asset":"USDT","amount":1.5}`,
        `{"id":"${fresh()}","type":"withdraw","account":"${account}","asset":"USDT","amount":"1e3"}`,
        `{"id":"${fresh()}","type":"mint","account":"${account}"}`,
        `{"id":"${fresh()}","type":"transfer","from":"${account}"`,
      ];
      const text = pick(bad);
      const badId = text.match(/"id":"(c\d+)"/)![1]!;
      const answerId = text.endsWith('}') ? badId : undefined;
      lines.push({ text, id: badId, answerId, expected: 'bad_input' });
    }
  }
  return lines;
}

/** `units` of 10^-decimals as a decimal string. */
function decimal(units: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  return `${units / scale}.${(units % scale).toString().padStart(decimals, '0')}`;
}
