import type { CheckAnswer } from '../../core/engine/decide-order.ts';

/**
 * A pre-trade check's answer as JSON writes it (`run --json`, the API): the verdict, where the
 * order lands, and the account's headline figures after it; or the rejection.
 */
export function checkAnswerJson(id: string, answer: CheckAnswer) {
  if (answer.kind === 'refused')
    return { id, kind: 'rejected' as const, rejection: answer.rejection };
  const { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable } = answer.after;
  return {
    id,
    kind: 'checked' as const,
    placement: answer.placement,
    ...answer.judgement,
    after: { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable },
  };
}
