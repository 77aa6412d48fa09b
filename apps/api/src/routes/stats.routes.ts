import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function statsRoutes(_ctx: ApiContext): Router {
  const router = Router();
  return router;
}
