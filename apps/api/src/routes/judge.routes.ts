import { Router } from 'express';
import { createJudgeHandler } from '@proxy-pool/checkers';
import type { ApiContext } from '../context.js';

/**
 * GET /judge?nonce=<hex> (no API key): echoes the caller's address and headers with an HMAC proof of the
 * nonce, so a checker can tell what a proxy revealed and that the answer really came from here.
 */
export function judgeRoutes(ctx: ApiContext): Router {
  const router = Router();
  const judge = createJudgeHandler({ secret: ctx.config.JUDGE_SECRET });
  router.get('/judge', (req, res) => judge(req, res));
  return router;
}
