import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiVersionsResponse } from './api-versions-response.js';
import { writeApiVersionsBody } from './api-versions-response.js';
import { supportedVersions } from './supported-versions.js';

/**
 * ApiVersions Request (Version: 0) =>
 *
 * ApiVersions Response (Version: 0) => error_code [api_versions]
 *   error_code => INT16
 *   api_versions => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 */
export const apiVersionsV0 = defineApi<null, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  version: 0,
  name: 'ApiVersions',
  decode: () => null,
  handle: () => ({ errorCode: ErrorCode.NONE, apiVersions: supportedVersions() }),
  encode(writer, response) {
    writeApiVersionsBody(writer, response);
  },
});
