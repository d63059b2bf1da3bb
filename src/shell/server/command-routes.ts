import type { TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Command } from '../../core/engine/command.ts';
import type { CheckAnswer } from '../../core/engine/decide-order.ts';
import { checkAnswerJson } from '../engine/check-answer.ts';
import { readCommand } from '../import/command-file.ts';
import { Reader } from '../import/reader.ts';
import { badInput, refusal } from './api-error.ts';
import { batchItemsMax, type CommandRoute, commandRoutes } from './command-paths.ts';
import { batchOf, type CommandType, commandBodies } from './command-schemas.ts';
import type { EngineService } from './engine-service.ts';
import type { ServerMetrics } from './metrics.ts';
import { mayTouch } from './route-access.ts';

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
          summary: item.description ?? route.type,
          tags: ['commands'],
          body: route.batch === true ? batchOf(item, batchItemsMax) : item,
          security: [{ apiKey: [] }],
        },
        config: { roles: route.roles, command: route.type },
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
  const seen = new Set<string>();
  const commands = items.map((item, index) => {
    const read = readOne(route.type, item);
    if ('issues' in read) {
      throw badInput(read.issues, route.batch === true ? `items[${index}]` : '');
    }
    // Two items of one batch with one id: the second would answer as the first, silently.
    if (seen.has(read.command.id)) {
      throw badInput([
        `items[${index}].id: "${read.command.id}" is given twice in this batch: one id per command`,
      ]);
    }
    seen.add(read.command.id);
    return read.command;
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
      answers: answers.map((a, i) => ({ id: batch[i]!.id, ...a })),
    };
  }
  const command = line;
  const answered = await service.submit(command);
  metrics.commands.inc({ type: route.type, outcome: answered.kind });
  if (answered.kind === 'rejected') {
    const error = refusal(answered.rejection);
    return reply.code(error.status).send({ ...error.body(), id: command.id, ...answered });
  }
  return { sequence: service.sequence, id: command.id, ...answered };
}

/** The body read as the command the route names: the command file's reader, one line's worth. */
function readOne(type: CommandType, body: Record<string, unknown>) {
  const reader = new Reader({ ...body, type }, '', []);
  const command = readCommand(reader);
  return reader.issues.length > 0 ? { issues: reader.issues } : { command };
}

function checkBody(id: string, answer: CheckAnswer, reply: FastifyReply) {
  const body = checkAnswerJson(id, answer);
  if (body.kind === 'checked') return body;
  const error = refusal(body.rejection);
  return reply.code(error.status).send({ ...error.body(), ...body });
}
