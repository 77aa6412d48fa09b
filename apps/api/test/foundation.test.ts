import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Router } from 'express';
import { startTestApi, type TestApi } from './support/harness.js';

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('GET /health', () => {
  it('answers healthy with both dependencies connected', async () => {
    const res = await api.request.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'healthy', postgres: 'connected', redis: 'connected', version: '0.1.0' });
  });
});

describe('error envelope', () => {
  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await api.request.get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: {} } });
  });

  it('asks for a key only under the guarded prefixes: a path that merely starts like one is a plain 404', async () => {
    for (const path of ['/proxies', '/proxies/export', '/proxies/no-such-thing/deeper', '/stats/pool', '/account']) {
      expect({ path, status: (await api.request.get(path)).status }).toEqual({ path, status: 401 });
    }
    for (const path of ['/proxiesX', '/statistics', '/accounts', '/sourcesfoo']) {
      const res = await api.request.get(path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
  });

  it('answers malformed JSON with 400 in the envelope', async () => {
    const res = await api.request.post('/auth/register').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  it('answers a thrown error with 500, an error id, and logs the same id', async () => {
    const boom = Router();
    boom.get('/__boom', () => {
      throw new Error('secret internal detail');
    });
    const { createApp } = await import('../src/app.js');
    const { default: supertest } = await import('supertest');
    const res = await supertest(createApp(api.ctx, { extraRoutes: [boom] })).get('/__boom');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    const errorId = res.body.error.details.error_id as string;
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.message).toContain(errorId);
    expect(api.logs.some((line) => line.error_id === errorId && line.level === 'error')).toBe(true);
  });

  it('carries a request id on every answer', async () => {
    const res = await api.request.get('/health').set('X-Request-Id', 'req-123');
    expect(res.headers['x-request-id']).toBe('req-123');
  });
});
