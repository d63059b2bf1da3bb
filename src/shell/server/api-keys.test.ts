import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from './api-keys.ts';

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
