import { describe, it } from 'vitest';
import { runBudget } from './budget.ts';

// Half the simulator's CI budget (budget.ts); the other half runs in budget-1.test.ts, on the other core.
describe('the simulator, seeds 101 to 200', () => {
  it('500,000 commands and 500 crash points with every invariant holding after every step', async () => {
    await runBudget(101, 201, { events: 500_000, crashes: 500 });
  }, 1_200_000);
});
