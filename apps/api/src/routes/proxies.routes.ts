import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function proxiesRoutes(_ctx: ApiContext): Router {
  const router = Router();
  return router;
}
