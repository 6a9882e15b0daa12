export { TouchstreamError, errorCode, errorMessage } from './touchstream-error.js';
export type { TouchstreamErrorOptions } from './touchstream-error.js';
