import { countText } from './figures.ts';

/**
 * A progress line on stderr for a long run, for a person at a terminal: the stage, and for a
 * counted stage a bar. Nothing at all where stderr is not a terminal (a pipe, a file, a CI log):
 * there it would be noise in what someone reads later. It redraws at most ten times a second and
 * clears itself before anything else is printed, so stdout's text is never interleaved with it.
 */
export interface Progress {
  /** A stage with no count ("reading book.json"), or a counted one out of `total`. */
  stage(label: string, total?: number): void;
  /** How many of the stage's `total` are done. */
  update(done: number): void;
  /** Clears the line: call before printing the result. */
  end(): void;
}

/** What the bar needs of a stream: process.stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

const redrawMs = 100;
const barWidth = 30;

export function progressOn(stream: ProgressStream, clock: () => number = Date.now): Progress {
  if (stream.isTTY !== true) return { stage() {}, update() {}, end() {} };
  let label = '';
  let total = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let shown = false;
  const draw = (done: number) => {
    let text = `xmargin: ${label}`;
    if (total > 0) {
      const share = Math.min(1, done / total);
      const filled = Math.round(share * barWidth);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
      const counts = `${countText(done)}/${countText(total)}`;
      text += ` [${bar}] ${Math.floor(share * 100)}% ${counts}`;
    } else text += '…';
    // A terminal that does not say its width (0, as under `script`) is taken as 80 columns.
    const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
    const width = Math.max(20, columns - 1);
    stream.write(`\r\u001b[2K${text.slice(0, width)}`);
    shown = true;
  };
  return {
    stage(next, count = 0) {
      label = next;
      total = count;
      drawnAt = clock();
      draw(0);
    },
    update(done) {
      const now = clock();
      if (now - drawnAt < redrawMs && done < total) return;
      drawnAt = now;
      draw(done);
    },
    end() {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
