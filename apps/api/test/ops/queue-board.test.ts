import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { headlessChromium } from '@proxy-pool/test-kit';
import { chromium } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { createTestUser, startTestApi, type TestApi } from '../support/harness.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../../test-artifacts');

let api: TestApi;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  api = startTestApi();
  server = await new Promise<Server>((resolve) => {
    const listening = createApp(api.ctx).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await api.close();
});

describe('Bull Board at /admin/queues', () => {
  it('refuses an unauthenticated visitor with a Basic challenge', async () => {
    const res = await api.request.get('/admin/queues');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a signed-in non-admin', async () => {
    const user = await createTestUser(api.ctx);
    const res = await api.request.get('/admin/queues').auth('user', user.key);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('is read-only for an admin: reads work, pause, clean and obliterate are refused and change nothing', async () => {
    const admin = await createTestUser(api.ctx, { role: 'admin' });
    await api.ctx.queues.maintenance.add('maintenance', { task: 'pool-watch' });
    const read = await api.request.get('/admin/queues/api/queues').auth('admin', admin.key);
    expect(read.status).toBe(200);
    for (const change of [
      'validate/pause',
      'maintenance/obliterate',
      'maintenance/clean/completed',
      'maintenance/empty',
    ]) {
      const res = await api.request.put(`/admin/queues/api/queues/${change}`).auth('admin', admin.key);
      expect({ change, status: res.status }).toEqual({ change, status: 405 });
    }
    // "Pause all" skips read-only queues.
    await api.request.put('/admin/queues/api/queues/pause').auth('admin', admin.key);
    for (const queue of Object.values(api.ctx.queues))
      expect({ queue: queue.name, paused: await queue.isPaused() }).toEqual({ queue: queue.name, paused: false });
    expect(await api.ctx.queues.maintenance.getWaitingCount()).toBe(1);
  });

  it('gives full control to the admins named in QUEUE_BOARD_SUPERADMINS, and to no one else', async () => {
    const boss = await createTestUser(api.ctx, { role: 'admin' });
    const superApi = startTestApi({ QUEUE_BOARD_SUPERADMINS: ` someone@example.test, ${boss.email.toUpperCase()}` });
    try {
      const paused = await superApi.request.put('/admin/queues/api/queues/validate/pause').auth('boss', boss.key);
      expect(paused.status).toBe(200);
      expect(await superApi.ctx.queues.validate.isPaused()).toBe(true);
      const other = await createTestUser(superApi.ctx, { role: 'admin' });
      expect(
        (await superApi.request.put('/admin/queues/api/queues/validate/resume').auth('admin', other.key)).status,
      ).toBe(405);
      const user = await createTestUser(superApi.ctx);
      expect(
        (await superApi.request.put('/admin/queues/api/queues/validate/resume').auth('user', user.key)).status,
      ).toBe(403);
      expect(
        (await superApi.request.put('/admin/queues/api/queues/validate/resume').auth('boss', boss.key)).status,
      ).toBe(200);
      expect(await superApi.ctx.queues.validate.isPaused()).toBe(false);
    } finally {
      await superApi.close();
    }
  });

  it('shows every queue to an admin in a real browser', async () => {
    const admin = await createTestUser(api.ctx, { role: 'admin' });
    const browser = await chromium.launch(headlessChromium());
    try {
      const context = await browser.newContext({ httpCredentials: { username: 'admin', password: admin.key } });
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}/admin/queues`);
      expect(response?.status()).toBe(200);
      for (const name of ['scrape', 'validate', 'url-test', 'site-check', 'maintenance', 'events', 'notify']) {
        await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
      }
      await expect(page.title()).resolves.toContain('Proxy Pool queues');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'bull-board.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
