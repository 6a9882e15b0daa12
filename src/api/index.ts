export { startApiServer } from './api-server.js';
export type { ApiServer, ApiServerOptions, MetricsSource } from './api-server.js';
export { registerHealthRoutes } from './health-routes.js';
export type { EngineStatus } from './health-routes.js';
