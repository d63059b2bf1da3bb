import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../import/reader.ts';

/**
 * The data folder held by one server at a time: two engines appending to one log would each
 * judge commands on a ledger missing the other's. `DATA/xmargin.lock` holds the owner's pid; a
 * lock whose process is gone (killed with SIGKILL, say) is taken over. Released on close.
 */
export function lockData(data: string): () => void {
  const file = join(data, 'xmargin.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) {
        throw new InputError([
          `--data: ${data} is in use by another xmargin (process ${owner}): stop it, or give another folder`,
        ]);
      }
      unlinkSync(file);
    }
  }
  throw new InputError([`--data: ${data}: could not take its lock (${file})`]);
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
