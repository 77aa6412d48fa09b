export { createApp } from './app.js';
export { openApiContext, closeApiContext } from './bootstrap.js';
export { loadApiConfig, type ApiConfig } from './config.js';
export type { ApiContext } from './context.js';
export { AppError } from './errors.js';
export { registerUser } from './services/accounts.service.js';
