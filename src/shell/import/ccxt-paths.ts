/**
 * The ccxt reader hands a portfolio of its own making to the portfolio reader, whose issues name
 * that form's paths (`accounts[0].positions[1].size`). A user fixes their own file: each issue's
 * path is turned back into the field of the ccxt file it came from (`positions[1].contracts`).
 */
export class PathMap {
  readonly #exact = new Map<string, string>();
  readonly #prefixes: [string, string][] = [];

  /** `from` and everything below it (`from.x`, `from[0]`) to `to`, the rest of the path dropped. */
  whole(from: string, to: string): this {
    this.#exact.set(from, to);
    this.#prefixes.push([from, to]);
    return this;
  }

  /** `from` and below to `to` and the same rest: `market.assetPrices.BTC` → `assetPrices.BTC`. */
  renamed(from: string, to: string): this {
    this.#prefixes.push([from, `${to}\u0000`]);
    return this;
  }

  issue(issue: string): string {
    const colon = issue.indexOf(': ');
    if (colon < 0) return issue;
    const path = issue.slice(0, colon);
    return `${this.path(path)}${this.text(issue.slice(colon))}`;
  }

  /** Paths the portfolio reader names inside a message ("…in market.assetPrices"). */
  text(message: string): string {
    let text = message;
    const known = this.#prefixes
      .filter(([from]) => /[.[]/.test(from))
      .sort(([a], [b]) => b.length - a.length);
    for (const [from, to] of known) {
      if (text.includes(from)) text = text.split(from).join(to.replace('\u0000', ''));
    }
    return text;
  }

  path(path: string): string {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return exact;
    let best: [string, string] | undefined;
    for (const entry of this.#prefixes) {
      const [from] = entry;
      const below = path.startsWith(from) && /^[.[]/.test(path.slice(from.length));
      if ((path === from || below) && (best === undefined || from.length > best[0].length)) {
        best = entry;
      }
    }
    if (best === undefined) return path;
    const [from, to] = best;
    if (!to.endsWith('\u0000')) return to;
    const rest = path.slice(from.length);
    const root = to.slice(0, -1);
    return root === '' ? rest.replace(/^\./, '') || '(root)' : `${root}${rest}`;
  }
}
