import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../import/reader.ts';

/**
 * The data folder held by one server at a time: two engines appending to one log would each
 * judge commands on a ledger missing the other's. `DATA/xmargin.lock` holds the owner's pid.
 * Released on close.
 */
export function lockData(data: string): () => void {
  const file = join(data, 'xmargin.lock');
  const taken = takeLock(file);
  if (typeof taken === 'function') return taken;
  throw new InputError([
    `--data: ${data} is in use by another xmargin (process ${taken.owner ?? 'starting'}): stop it, or give another folder`,
  ]);
}

/**
 * A lock file holding this process's pid, created only where none exists, so two processes
 * never both hold it: its release, or who holds it (no owner yet where its taker has not
 * written its pid). A lock whose process is gone (killed with SIGKILL, say) is taken over.
 */
export function takeLock(file: string): (() => void) | { readonly owner?: number } {
  let owner: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    owner = ownerOf(file);
    if (owner !== undefined && alive(owner)) return { owner };
    // A lock not yet written stays: only one whose owner is known dead is taken over. (Two
    // takers of one dead owner's lock in the same instant could both take it: a rare crash
    // then a rarer race, left as it is.)
    if (owner !== undefined) unlinkSync(file);
  }
  return owner === undefined ? {} : { owner };
}

/** The pid a lock file names; undefined where it is gone or not yet written. */
function ownerOf(file: string): number | undefined {
  try {
    const owner = Number(readFileSync(file, 'utf8'));
    return Number.isSafeInteger(owner) && owner > 0 ? owner : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
