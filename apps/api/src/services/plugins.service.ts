import { builtinCheckers } from '@proxy-pool/checkers';
import { buildNotifiers, NotifierHealthStore, notifierStatuses } from '@proxy-pool/notifiers';
import { builtinParsers } from '@proxy-pool/parsers';
import { orderCheckers } from '@proxy-pool/plugin-contracts';
import type { ApiContext } from '../context.js';
import type { NotifierStatus, PluginStatus } from '../openapi/responses/pool.responses.js';

/** The configured notifiers and their delivery health, as the scraper's notify worker records it in Redis. */
export async function notifierStatus(ctx: ApiContext): Promise<NotifierStatus[]> {
  const notifiers = buildNotifiers(ctx.config.NOTIFIERS, { allowPrivate: ctx.config.ALLOW_PRIVATE_TARGETS });
  const store = new NotifierHealthStore(ctx.redis, {
    prefix: ctx.config.QUEUE_PREFIX,
    unhealthyAfter: ctx.config.NOTIFIER_UNHEALTHY_AFTER,
  });
  return notifierStatuses(notifiers, store);
}

/** The checker pipeline as the checker app registers it, in run order. Building it opens no connection and
 * loads no database (the judge URL is only parsed; the geoip file opens on first use). */
function checkerList(ctx: ApiContext): PluginStatus['checkers'] {
  const checkers = builtinCheckers({
    judgeUrl: 'http://127.0.0.1/judge',
    secret: ctx.config.JUDGE_SECRET,
    ownIps: () => [],
    // Checkers run tls_integrity when the judge listens over TLS (the same JUDGE_TLS_PORT setting).
    tls:
      ctx.config.JUDGE_TLS_PORT > 0 ? { target: `127.0.0.1:${ctx.config.JUDGE_TLS_PORT}`, pins: () => [] } : undefined,
  });
  return orderCheckers(checkers).map(({ name, stage, priority }) => ({ name, stage, priority }));
}

export async function getPluginStatus(ctx: ApiContext): Promise<PluginStatus> {
  return {
    parsers: builtinParsers.map(({ name, type }) => ({ name, type })),
    checkers: checkerList(ctx),
    notifiers: await notifierStatus(ctx),
  };
}
