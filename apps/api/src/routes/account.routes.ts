import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function accountRoutes(_ctx: ApiContext): Router {
  const router = Router();
  return router;
}
