export { writeApiVersionsBody } from './api-versions-response.js';
export type { ApiVersionRange, ApiVersionsResponse } from './api-versions-response.js';
export { supportedVersions } from './supported-versions.js';
