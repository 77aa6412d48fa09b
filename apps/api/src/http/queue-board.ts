import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { ApiContext } from '../context.js';
import { requireAdmin } from './auth.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** One Bull Board over every queue; read-only boards refuse every change (pause, clean, obliterate, retry, add). */
function board(ctx: ApiContext, readOnlyMode: boolean): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(ctx.queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'Proxy Pool queues (read-only)' : 'Proxy Pool queues' } },
  });
  return serverAdapter.getRouter() as RequestHandler;
}

/** Whether the signed-in admin is listed in QUEUE_BOARD_SUPERADMINS (by e-mail). */
async function isSuperadmin(ctx: ApiContext, userId: string): Promise<boolean> {
  if (ctx.config.QUEUE_BOARD_SUPERADMINS.length === 0) return false;
  const user = await ctx.db.user.findUnique({ where: { id: userId }, select: { emailNormalized: true } });
  return user !== null && ctx.config.QUEUE_BOARD_SUPERADMINS.includes(user.emailNormalized);
}

/**
 * Bull Board for admins (authentication runs before this router: browsers sign in with HTTP Basic, the API key
 * as password). Admins watch it read-only; only the admins named in QUEUE_BOARD_SUPERADMINS may pause, clean,
 * obliterate, retry or promote, since one click there can drop every pending validation of the pool.
 */
export function queueBoardRoutes(ctx: ApiContext): Router {
  const readOnly = board(ctx, true);
  const fullControl = board(ctx, false);
  const router = Router();
  const superadminsOnly: RequestHandler = async (req, res, next) => {
    try {
      if (await isSuperadmin(ctx, req.auth!.userId)) fullControl(req, res, next);
      else next();
    } catch (error) {
      next(error);
    }
  };
  router.use(QUEUE_BOARD_PATH, requireAdmin, superadminsOnly, readOnly);
  return router;
}
