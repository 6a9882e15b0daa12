// The one door from src/io to src/errors. Files in src/io's subfolders import this instead of
// '../../errors/index.js', which the lint rule's ignore-style patterns refuse at that depth.
export { TouchstreamError } from '../errors/index.js';
export type { TouchstreamErrorOptions } from '../errors/index.js';
