/** The only place that reads the time: the core is handed `now`, never reads it. */
export function nowMs(): number {
  return Date.now();
}
