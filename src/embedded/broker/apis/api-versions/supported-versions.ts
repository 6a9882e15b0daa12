import type { ApiVersionRange } from './api-versions-response.js';

let ranges: ApiVersionRange[] = [];

/**
 * The ranges ApiVersions advertises. Set once by the API registry (which imports ApiVersions
 * itself, hence the indirection instead of an import).
 */
export function setSupportedVersions(value: ApiVersionRange[]): void {
  ranges = value;
}

export function supportedVersions(): ApiVersionRange[] {
  return ranges;
}
