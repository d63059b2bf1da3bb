import { describe, it } from 'vitest';
import { runBudget } from './budget.ts';

// Half the simulator's CI budget (budget.ts); the other half runs in budget-2.test.ts, on the other core.
describe('the simulator, seeds 1 to 100', () => {
  it('500,000 commands and 500 crash points with every invariant holding after every step', async () => {
    await runBudget(1, 101, { events: 500_000, crashes: 500 });
  }, 1_200_000);
});
