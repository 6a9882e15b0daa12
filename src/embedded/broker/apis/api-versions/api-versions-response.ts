import type { Writer } from '../shared.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiVersions: ApiVersionRange[];
}

/** The fields every ApiVersions version shares (v0 ends here; v1+ adds throttle_time_ms). */
export function writeApiVersionsBody(writer: Writer, response: ApiVersionsResponse): void {
  writer.int16(response.errorCode);
  writer.array(response.apiVersions, (w, v) => {
    w.int16(v.apiKey).int16(v.minVersion).int16(v.maxVersion);
  });
}
