export { offsetCommitV3 } from './offset-commit-v3.js';
export type { OffsetCommitResponse } from './offset-commit-v3.js';
