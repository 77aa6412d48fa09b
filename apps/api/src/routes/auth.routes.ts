import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function authRoutes(_ctx: ApiContext): Router {
  const router = Router();
  return router;
}

/** POST /auth/register: the one Accounts route without authentication. */
export function registerRoutes(_ctx: ApiContext): Router {
  const router = Router();
  return router;
}
