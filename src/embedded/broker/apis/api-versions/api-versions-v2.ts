import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiVersionsResponse } from './api-versions-response.js';
import { writeApiVersionsBody } from './api-versions-response.js';
import { supportedVersions } from './supported-versions.js';

/**
 * ApiVersions Request (Version: 2) =>
 *
 * ApiVersions Response (Version: 2) => error_code [api_versions] throttle_time_ms
 *   error_code => INT16
 *   api_versions => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 *   throttle_time_ms => INT32
 */
export const apiVersionsV2 = defineApi<null, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  version: 2,
  name: 'ApiVersions',
  decode: () => null,
  handle: () => ({ errorCode: ErrorCode.NONE, apiVersions: supportedVersions() }),
  encode(writer, response) {
    writeApiVersionsBody(writer, response);
    writer.int32(0);
  },
});
