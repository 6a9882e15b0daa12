export { buildApiApp, startApiServer } from './api-server.js';
export type {
  ApiApp,
  ApiAppOptions,
  ApiServer,
  ApiServerOptions,
  MetricsSource,
} from './api-server.js';
export { registerHealthRoutes } from './health-routes.js';
export type { EngineStatus } from './health-routes.js';
export {
  ApiBadRequestError,
  ApiError,
  ApiForbiddenError,
  ApiNotFoundError,
  ApiUnauthorizedError,
  ApiUnavailableError,
} from './api-errors.js';
export { ROLES, roleAtLeast, seesPersonalData } from './auth.js';
export type { ApiToken, Role } from './auth.js';
export { collectOpenApi, renderDocsPage } from './openapi.js';
export type { OpenApiCollector, OpenApiInfo } from './openapi.js';
export type {
  PublishReceipt,
  RuleDetail,
  RuleVersion,
  RulesPort,
  SegmentPreview,
} from './rules-port.js';
