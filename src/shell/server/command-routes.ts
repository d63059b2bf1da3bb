import type { TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Command } from '../../core/engine/command.ts';
import type { CheckAnswer } from '../../core/engine/decide-order.ts';
import type { Answer } from '../../core/engine/execute.ts';
import { readCommand } from '../import/command-file.ts';
import { Reader } from '../import/reader.ts';
import { ApiError, badInput, rejectionStatus } from './api-error.ts';
import type { Role } from './api-keys.ts';
import { batchOf, type CommandType, commandBodies } from './command-schemas.ts';
import type { EngineService } from './engine-service.ts';
import type { ServerMetrics } from './metrics.ts';
import { mayTouch } from './route-access.ts';

/** Items one batch of fills or prices may hold. */
export const batchItemsMax = 1_000;

interface CommandRoute {
  readonly path: string;
  readonly type: CommandType;
  readonly roles: readonly Role[];
  readonly summary: string;
  /** Items are sent as `{ items: [...] }`, each checked before any is applied. */
  readonly batch?: true;
}

const traderOrOperator: readonly Role[] = ['trader', 'operator'];
const operator: readonly Role[] = ['operator'];

/** A route for every engine command, each with the roles that may send it. */
export const commandRoutes: readonly CommandRoute[] = [
  { path: '/v1/accounts', type: 'open_account', roles: operator, summary: 'Open an account' },
  { path: '/v1/deposits', type: 'deposit', roles: operator, summary: 'Deposit collateral' },
  {
    path: '/v1/withdrawals',
    type: 'withdraw',
    roles: traderOrOperator,
    summary: 'Withdraw collateral',
  },
  {
    path: '/v1/transfers',
    type: 'transfer',
    roles: traderOrOperator,
    summary: 'Transfer between accounts',
  },
  {
    path: '/v1/collateral-moves',
    type: 'move_collateral',
    roles: traderOrOperator,
    summary: 'Move collateral between places',
  },
  {
    path: '/v1/collateral-moves/settle',
    type: 'settle_collateral_move',
    roles: operator,
    summary: 'A move between places arrived',
  },
  {
    path: '/v1/isolated-margin',
    type: 'move_isolated_margin',
    roles: traderOrOperator,
    summary: 'Move collateral into or out of an isolated position',
  },
  {
    path: '/v1/leverage',
    type: 'set_leverage',
    roles: ['trader'],
    summary: 'Set the leverage on an instrument',
  },
  {
    path: '/v1/margin-mode',
    type: 'set_margin_mode',
    roles: ['trader'],
    summary: 'Set the margin mode on an instrument',
  },
  { path: '/v1/orders', type: 'place_order', roles: traderOrOperator, summary: 'Place an order' },
  {
    path: '/v1/orders/amend',
    type: 'amend_order',
    roles: traderOrOperator,
    summary: 'Amend an order',
  },
  {
    path: '/v1/orders/cancel',
    type: 'cancel_order',
    roles: traderOrOperator,
    summary: 'Cancel an order',
  },
  {
    path: '/v1/pre-trade-checks',
    type: 'pre_trade_check',
    roles: ['trader', 'operator', 'risk_viewer'],
    summary: 'Check an order: changes nothing',
  },
  {
    path: '/v1/fills',
    type: 'fill',
    roles: operator,
    summary: 'Apply fills from the matching engine',
    batch: true,
  },
  {
    path: '/v1/prices',
    type: 'price_tick',
    roles: operator,
    summary: 'Mark and index prices',
    batch: true,
  },
  {
    path: '/v1/volatility-surfaces',
    type: 'volatility_surface',
    roles: operator,
    summary: 'A volatility surface',
  },
  { path: '/v1/funding', type: 'funding', roles: operator, summary: 'A funding interval' },
  { path: '/v1/settlements', type: 'settle_expiry', roles: operator, summary: 'Settle an expiry' },
  {
    path: '/v1/instruments/halt',
    type: 'halt_instrument',
    roles: operator,
    summary: 'Halt an instrument',
  },
  {
    path: '/v1/instruments/resume',
    type: 'resume_instrument',
    roles: operator,
    summary: 'Resume an instrument',
  },
];

export function registerCommandRoutes(
  app: FastifyInstance,
  service: () => EngineService,
  metrics: ServerMetrics,
): void {
  for (const route of commandRoutes) {
    const item = commandBodies[route.type] as TObject;
    app.post(
      route.path,
      {
        schema: {
          summary: route.summary,
          tags: ['commands'],
          body: route.batch === true ? batchOf(item, batchItemsMax) : item,
          security: [{ apiKey: [] }],
        },
        config: { roles: route.roles },
      },
      async (request, reply) => {
        const end = metrics.commandSeconds.startTimer({ type: route.type });
        try {
          return await answer(route, request, reply, service(), metrics);
        } finally {
          end();
        }
      },
    );
  }
}

async function answer(
  route: CommandRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  service: EngineService,
  metrics: ServerMetrics,
) {
  const body = request.body as Record<string, unknown>;
  const items = route.batch === true ? (body.items as Record<string, unknown>[]) : [body];
  const commands = items.map((item, index) => {
    const read = readOne(route.type, item);
    if ('issues' in read) {
      metrics.commands.inc({ type: route.type, outcome: 'bad_input' });
      throw badInput(read.issues, route.batch === true ? `items[${index}]` : '');
    }
    return read.command;
  });
  const seen = new Set<string>();
  commands.forEach((command, index) => {
    // Two items of one batch with one id: the second would answer as the first, silently.
    if (seen.has(command.id)) {
      metrics.commands.inc({ type: route.type, outcome: 'bad_input' });
      throw badInput([
        `items[${index}].id: "${command.id}" is given twice in this batch: one id per command`,
      ]);
    }
    seen.add(command.id);
  });
  for (const command of commands) mayTouch(request, command);
  const line = commands[0]!;
  if (line.type === 'pre_trade_check') {
    const { id, type: _type, issuedAtMs: _at, ...order } = line;
    const checked = await service.check(order);
    metrics.commands.inc({
      type: route.type,
      outcome: checked.kind === 'checked' ? 'accepted' : 'rejected',
    });
    return checkBody(id, checked, reply);
  }
  if (route.batch === true) {
    const batch = commands as Command[];
    const answers = await service.submitAll(batch);
    for (const a of answers) metrics.commands.inc({ type: route.type, outcome: a.kind });
    return {
      sequence: service.sequence,
      answers: answers.map((a, i) => answerBody(batch[i]!.id, a)),
    };
  }
  const command = line;
  const answered = await service.submit(command);
  metrics.commands.inc({ type: route.type, outcome: answered.kind });
  if (answered.kind === 'rejected') {
    const { code, field } = answered.rejection;
    const error = new ApiError(
      rejectionStatus(answered.rejection),
      code,
      `refused: ${code} (${field})`,
      field,
    );
    return reply.code(error.status).send({ ...error.body(), ...answerBody(command.id, answered) });
  }
  return { sequence: service.sequence, ...answerBody(command.id, answered) };
}

/** The body read as the command the route names: the command file's reader, one line's worth. */
function readOne(type: CommandType, body: Record<string, unknown>) {
  const reader = new Reader({ ...body, type }, '', []);
  const command = readCommand(reader);
  return reader.issues.length > 0 ? { issues: reader.issues } : { command };
}

function answerBody(id: string, answer: Answer) {
  switch (answer.kind) {
    case 'accepted':
      return { id, kind: answer.kind, first: answer.first, events: answer.events };
    case 'duplicate':
      return { id, kind: answer.kind, first: answer.first, count: answer.count };
    case 'rejected':
      return { id, kind: answer.kind, rejection: answer.rejection };
  }
}

function checkBody(id: string, answer: CheckAnswer, reply: FastifyReply) {
  if (answer.kind === 'refused') {
    const { code, field } = answer.rejection;
    const error = new ApiError(
      rejectionStatus(answer.rejection),
      code,
      `refused: ${code} (${field})`,
      field,
    );
    return reply
      .code(error.status)
      .send({ ...error.body(), id, kind: 'rejected', rejection: answer.rejection });
  }
  const { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable } = answer.after;
  return {
    id,
    kind: 'checked',
    placement: answer.placement,
    ...answer.judgement,
    after: { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable },
  };
}
