import type { Role } from './api-keys.ts';
import type { CommandType } from './command-schemas.ts';

/** Items one batch of fills or prices may hold. */
export const batchItemsMax = 1_000;

/** The route of a command type: its path, who may send it, and whether it takes a batch. */
export interface CommandRoute {
  readonly path: string;
  readonly type: CommandType;
  readonly roles: readonly Role[];
  /** Items are sent as `{ items: [...] }`, each checked before any is applied. */
  readonly batch?: true;
}

const traderOrOperator: readonly Role[] = ['trader', 'operator'];
const operator: readonly Role[] = ['operator'];

/**
 * A route for every engine command, each with the roles that may send it; its OpenAPI summary is
 * its body schema's description (command-schemas.ts).
 */
export const commandRoutes: readonly CommandRoute[] = [
  { path: '/v1/accounts', type: 'open_account', roles: operator },
  { path: '/v1/deposits', type: 'deposit', roles: operator },
  { path: '/v1/withdrawals', type: 'withdraw', roles: traderOrOperator },
  { path: '/v1/transfers', type: 'transfer', roles: traderOrOperator },
  { path: '/v1/collateral-moves', type: 'move_collateral', roles: traderOrOperator },
  { path: '/v1/collateral-moves/settle', type: 'settle_collateral_move', roles: operator },
  { path: '/v1/isolated-margin', type: 'move_isolated_margin', roles: traderOrOperator },
  { path: '/v1/leverage', type: 'set_leverage', roles: ['trader'] },
  { path: '/v1/margin-mode', type: 'set_margin_mode', roles: ['trader'] },
  { path: '/v1/orders', type: 'place_order', roles: traderOrOperator },
  { path: '/v1/orders/amend', type: 'amend_order', roles: traderOrOperator },
  { path: '/v1/orders/cancel', type: 'cancel_order', roles: traderOrOperator },
  {
    path: '/v1/pre-trade-checks',
    type: 'pre_trade_check',
    roles: ['trader', 'operator', 'risk_viewer'],
  },
  { path: '/v1/fills', type: 'fill', roles: operator, batch: true },
  { path: '/v1/prices', type: 'price_tick', roles: operator, batch: true },
  { path: '/v1/volatility-surfaces', type: 'volatility_surface', roles: operator },
  { path: '/v1/funding', type: 'funding', roles: operator },
  { path: '/v1/settlements', type: 'settle_expiry', roles: operator },
  { path: '/v1/liquidations/unfilled', type: 'liquidation_unfilled', roles: operator },
  { path: '/v1/instruments/halt', type: 'halt_instrument', roles: operator },
  { path: '/v1/instruments/resume', type: 'resume_instrument', roles: operator },
];
