import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from './api-keys.ts';
import { takeLock } from './process-lock.ts';

const folder = mkdtempSync(join(tmpdir(), 'xmargin-keys-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the key ring in a file', () => {
  it('sees a key another process makes or revokes within a second, and drops none of its own', () => {
    const file = join(folder, 'keys.json');
    let now = 0;
    const server = KeyRing.open(file, () => now);
    const cli = KeyRing.open(file);
    const made = cli.create('operator', [], 'made while running', new Date(0));
    // Within the second it last looked, the server has not read the file again.
    now = 500;
    expect(server.verify(made.key)).toBeUndefined();
    now = 1_600;
    expect(server.verify(made.key)?.role).toBe('operator');
    // A key the server makes itself keeps the one the other process made.
    const own = server.create('risk_viewer', [], 'admin route', new Date(0));
    expect(
      KeyRing.open(file)
        .list()
        .map((k) => k.id)
        .sort(),
    ).toEqual([made.stored.id, own.stored.id].sort());
    cli.revoke(made.stored.id, new Date(0));
    now = 3_000;
    expect(server.verify(made.key)).toBeUndefined();
    expect(server.verify(own.key)?.role).toBe('risk_viewer');
  });

  it('keeps every key two processes make at the same instant', async () => {
    const file = join(folder, 'raced.json');
    const each = 40;
    const startAt = Date.now() + 1_500;
    // Each process waits for one moment, then makes its keys as fast as it can.
    const script = `
      const { KeyRing } = await import(${JSON.stringify(new URL('./api-keys.ts', import.meta.url).href)});
      while (Date.now() < ${startAt});
      const ring = KeyRing.open(${JSON.stringify(file)});
      const keys = [];
      for (let i = 0; i < ${each}; i++) keys.push(ring.create('operator', [], 'raced', new Date(0)).key);
      process.stdout.write(JSON.stringify(keys));`;
    const made = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string[]>((resolve, reject) => {
            const child = spawn(
              process.execPath,
              ['--import', 'tsx', '--input-type=module', '-e', script],
              { stdio: ['ignore', 'pipe', 'inherit'] },
            );
            let out = '';
            child.stdout.on('data', (chunk) => (out += chunk));
            child.on('error', reject);
            child.on('exit', (code) =>
              code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`exit ${code}`)),
            );
          }),
      ),
    );
    const ring = KeyRing.open(file);
    expect(ring.list()).toHaveLength(2 * each);
    for (const key of made.flat()) expect(ring.verify(key)?.role).toBe('operator');
  }, 30_000);

  it('takes over a lock whose process is gone, and not one whose process runs', () => {
    const file = join(folder, 'keys.json.lock');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(file, String(gone));
    const release = takeLock(file);
    expect(typeof release).toBe('function');
    expect(takeLock(file)).toEqual({ owner: process.pid });
    if (typeof release === 'function') release();
    writeFileSync(file, '');
    // Created, its pid not yet written: it stays its taker's.
    expect(takeLock(file)).toEqual({});
    rmSync(file);
  });

  it('refuses a wrong secret, an unknown id and a malformed key alike', () => {
    const ring = KeyRing.inMemory();
    const { key } = ring.create('trader', ['a', 'a', 'b'], '', new Date(0));
    expect(ring.verify(key)?.accounts).toEqual(new Set(['a', 'b']));
    expect(ring.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(ring.verify(key.replace(/^xm_[0-9a-f]{12}/, 'xm_000000000000'))).toBeUndefined();
    for (const bad of ['', 'xm_', 'xm_abc', key.slice(3)]) expect(ring.verify(bad)).toBeUndefined();
    expect(() => ring.create('trader', [], '', new Date(0))).toThrow(/names the accounts/);
  });
});
