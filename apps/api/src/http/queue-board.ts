import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import type { ApiContext } from '../context.js';
import { requireAdmin } from './auth.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue of the system, for admins only (authentication runs before this router:
 * browsers sign in with HTTP Basic, the API key as password).
 */
export function queueBoardRoutes(ctx: ApiContext): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(ctx.queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Proxy Pool queues' } },
  });
  const router = Router();
  router.use(QUEUE_BOARD_PATH, requireAdmin, serverAdapter.getRouter() as Router);
  return router;
}
