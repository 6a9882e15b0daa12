export { defineApi } from './api.js';
export type { Api, ApiDefinition, RequestContext } from './api.js';
export { writeApiVersionsBody } from './api-versions/index.js';
export { supportedVersions } from './api-versions/index.js';
export { apis } from './registry.js';
