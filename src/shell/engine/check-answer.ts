import type { CheckAnswer } from '../../core/engine/decide-order.ts';

/**
 * A pre-trade check's answer as JSON writes it (`run --json`, the API): the verdict, where the
 * order lands, the account's headline figures after it and each position's size and liquidation
 * price after it (what a trader asks before sending the order); or the rejection.
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
    after: {
      equity,
      initialMargin,
      maintenanceMargin,
      freeCollateral,
      liquidatable,
      positions: answer.after.positions.map(({ instrument, side, size, liquidationPrice }) => ({
        instrument,
        ...(side === undefined ? {} : { side }),
        size,
        liquidationPrice,
      })),
    },
  };
}
