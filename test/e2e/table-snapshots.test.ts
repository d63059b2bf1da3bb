import { describe, expect, it } from 'vitest';
import { examples, pinClock, runCli } from './cli-harness.ts';

/**
 * The table output of `margin` and `compare` on every bundled example, held as files under
 * __snapshots__/ (reviewed by eye once: each figure checked to make sense). A change to the
 * output shows as a diff of these files; `npx vitest run -u` takes it once it has been reviewed.
 */
pinClock();

describe.each(examples())('$file', ({ file, path, fromArgs }) => {
  it.each(['margin', 'compare'])('%s as text', async (command) => {
    const result = runCli([command, path, ...fromArgs]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const name = file.replace(/\.json$/, '');
    await expect(result.stdout).toMatchFileSnapshot(`__snapshots__/${name}.${command}.txt`);
  });
});
