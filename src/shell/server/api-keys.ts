import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { takeLock } from './process-lock.ts';

/**
 * Who may do what: a trader acts on and reads only its own accounts; an operator (the venue's
 * matching engine, oracle and wallet) feeds fills, prices, deposits, funding and settlements; a
 * risk viewer reads everything and acts on nothing; an admin manages keys.
 */
export type Role = 'trader' | 'operator' | 'risk_viewer' | 'admin';

export const roles: readonly Role[] = ['trader', 'operator', 'risk_viewer', 'admin'];

/** A key as stored: never the secret, only its SHA-256 (the secret is 256 random bits). */
export interface StoredKey {
  readonly id: string;
  readonly role: Role;
  /** A trader's own accounts; empty for every other role. */
  readonly accounts: readonly string[];
  readonly label: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** The caller a valid key names. */
export interface Caller {
  readonly keyId: string;
  readonly role: Role;
  readonly accounts: ReadonlySet<string>;
}

const prefix = 'xm_';

/**
 * The venue's API keys, kept in a JSON file (written whole to a new file, then renamed over the
 * old, so a crash leaves one or the other) or in memory alone. A key reads `xm_ID_SECRET`: the id
 * finds the stored hash, and the secret's hash is compared in constant time, so neither a wrong
 * secret's length nor its first differing byte shows in the time taken.
 */
export class KeyRing {
  private readonly keys = new Map<string, StoredKey>();
  /**
   * Which version of the file was last read (its inode, time and size: each save renames a new
   * file over it, and a file's time alone is too coarse to tell two quick writes apart), and
   * when it was last looked at.
   */
  private readVersion = '';
  private lookedAtMs = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly file: string | undefined,
    private readonly clock: () => number,
  ) {}

  static inMemory(): KeyRing {
    return new KeyRing(undefined, () => 0);
  }

  /**
   * The ring in `file`, read again when the file changes (looked at once a second at most): a
   * key `xmargin keys` makes or revokes while a server runs counts there within a second.
   */
  static open(file: string, clock: () => number = Date.now): KeyRing {
    const ring = new KeyRing(file, clock);
    ring.refresh();
    return ring;
  }

  /** `force`: before a change, so one process's write never drops another's key. */
  private refresh(force = false): void {
    if (this.file === undefined) return;
    const now = this.clock();
    if (!force && now - this.lookedAtMs < 1_000) return;
    this.lookedAtMs = now;
    const version = versionOf(this.file);
    if (version === this.readVersion) return;
    this.readVersion = version;
    this.keys.clear();
    if (version === '') return;
    const stored = JSON.parse(readFileSync(this.file, 'utf8')) as { keys: StoredKey[] };
    for (const key of stored.keys) this.keys.set(key.id, key);
  }

  /** A new key: its secret is in the answer alone, once. */
  create(
    role: Role,
    accounts: readonly string[],
    label: string,
    now: Date,
  ): { key: string; stored: StoredKey } {
    if (role === 'trader' && accounts.length === 0) {
      throw new RangeError('a trader key names the accounts it may act on');
    }
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored: StoredKey = {
      id,
      role,
      accounts: role === 'trader' ? [...new Set(accounts)].sort() : [],
      label,
      hash: digest(secret),
      createdAt: now.toISOString(),
    };
    this.change(() => this.keys.set(id, stored));
    return { key: `${prefix}${id}_${secret}`, stored };
  }

  /** Revoked from now on; false where no such key is stored. */
  revoke(id: string, now: Date): boolean {
    return this.change(() => {
      const key = this.keys.get(id);
      if (key === undefined) return false;
      if (key.revokedAt === undefined) this.keys.set(id, { ...key, revokedAt: now.toISOString() });
      return true;
    });
  }

  list(): readonly StoredKey[] {
    return [...this.keys.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    );
  }

  /** The caller a presented key names, or undefined for no such key, a wrong secret, a revoked key. */
  verify(presented: string): Caller | undefined {
    this.refresh();
    if (!presented.startsWith(prefix)) return undefined;
    const cut = presented.indexOf('_', prefix.length);
    if (cut < 0) return undefined;
    const stored = this.keys.get(presented.slice(prefix.length, cut));
    // A hash is compared either way, so an unknown id takes the time a wrong secret takes.
    const expected = Buffer.from(stored?.hash ?? digest(''), 'hex');
    const given = Buffer.from(digest(presented.slice(cut + 1)), 'hex');
    const same = timingSafeEqual(expected, given);
    if (stored === undefined || !same || stored.revokedAt !== undefined) return undefined;
    return { keyId: stored.id, role: stored.role, accounts: new Set(stored.accounts) };
  }

  /**
   * A change made on the file as it is now and written back under the file's lock, so two
   * processes changing keys in the same instant (a server and `xmargin keys`) each keep the
   * other's change.
   */
  private change<T>(made: () => T): T {
    if (this.file === undefined) return made();
    const release = waitForLock(`${this.file}.lock`);
    try {
      this.refresh(true);
      const result = made();
      this.save(this.file);
      return result;
    } finally {
      release();
    }
  }

  private save(file: string): void {
    const next = `${file}.next`;
    writeFileSync(next, `${JSON.stringify({ keys: this.list() }, null, 2)}\n`, { mode: 0o600 });
    renameSync(next, file);
    this.readVersion = versionOf(file);
  }
}

const lockWaitMs = 5_000;

/** The lock, waited for in steps of 5 ms: a change to the key file takes well under one. */
function waitForLock(file: string): () => void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (const start = Date.now(); ; ) {
    const taken = takeLock(file);
    if (typeof taken === 'function') return taken;
    if (Date.now() - start > lockWaitMs) {
      throw new Error(
        `${file}: held by process ${taken.owner ?? '(starting)'} for over ${lockWaitMs / 1_000} s`,
      );
    }
    Atomics.wait(sleeper, 0, 0, 5);
  }
}

function versionOf(file: string): string {
  if (!existsSync(file)) return '';
  const { ino, mtimeMs, size } = statSync(file);
  return `${ino}:${mtimeMs}:${size}`;
}

function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
