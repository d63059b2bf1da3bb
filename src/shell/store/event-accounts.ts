/**
 * Every account an event names: a transfer's two, a fill's sides, whoever a movement moves, the
 * account a liquidation order is for.
 */
export function accountsOf(body: Record<string, unknown>): Set<unknown> {
  const accounts = new Set([body.account, body.from, body.to, body.taker, body.maker]);
  for (const list of [body.movements, body.positions]) {
    if (Array.isArray(list)) for (const item of list) accounts.add(item.account);
  }
  const order = body.order as { readonly account?: unknown } | undefined;
  if (order?.account !== undefined) accounts.add(order.account);
  return accounts;
}
