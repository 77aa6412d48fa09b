export { startGateway, type RunningGateway } from './main.js';
export { loadGatewayConfig, gatewayConfigSchema, type GatewayConfig } from './config.js';
