import { setFlagsFromString } from 'node:v8';

/**
 * V8's inlining budget, raised for this process before any hot code is optimised. The fast path's
 * per-leg margin (src/core/fast/fast-margin.ts `marginLeg`) calls a dozen small column readers;
 * under V8's default cumulative budget (920 bytes of bytecode inlined per function) the last few
 * stay calls, and a mark tick re-margining 65,000 holders runs about 1.5 to 2 times slower
 * (measured with bench/engine.ts (c) and a tick loop over the live book, each with and without).
 * Set by the process's entry points (the CLI, the benchmarks), imported first; the library itself
 * (src/index.ts) leaves its host's settings alone.
 */
setFlagsFromString('--max-inlined-bytecode-size-cumulative=3000');
setFlagsFromString('--max-inlined-bytecode-size=1000');
