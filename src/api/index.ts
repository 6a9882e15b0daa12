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
  ApiPartitionUnavailableError,
  ApiPeerUnavailableError,
  ApiUnauthorizedError,
  ApiUnavailableError,
} from './api-errors.js';
export {
  DEFAULT_PEER_TIMEOUT_MS,
  FORWARDED_HEADER,
  SERVED_BY_HEADER,
  callPeer,
} from './peer-client.js';
export type { PeerRequest, PeerResponse } from './peer-client.js';
export { customerProfile } from './customer-view.js';
export type { CustomerProfile, TimelineResponse } from './customer-view.js';
export { MAX_TIMELINE_PAGE } from './customers-routes.js';
export { ROLES, roleAtLeast, seesPersonalData } from './auth.js';
export type { ApiToken, Role } from './auth.js';
export { collectOpenApi, renderDocsPage } from './openapi.js';
export type { OpenApiCollector, OpenApiInfo } from './openapi.js';
export type {
  LocalSegmentPreview,
  PreviewCaller,
  PublishReceipt,
  RuleDetail,
  RuleVersion,
  RulesPort,
  SegmentPreview,
} from './rules-port.js';
export { registerCampaignsRoutes } from './campaigns-routes.js';
export type { CampaignsApiOptions } from './campaigns-routes.js';
export { registerCallbacksRoutes } from './callbacks-routes.js';
export type {
  CallbackChannelAuth,
  CallbackReceipt,
  CallbacksApiOptions,
  CallbacksPort,
  IngestResult,
} from './callbacks-port.js';
export {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  receiptSignature,
  wechatSignature,
} from './callback-signatures.js';
export { ApiCallbackUnavailableError, ApiTrackingOffError } from './tracking-errors.js';
export { gatherShares } from './instance-fanout.js';
export type { FanOutRequest, PartitionShare } from './instance-fanout.js';
