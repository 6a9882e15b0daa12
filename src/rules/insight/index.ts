export {
  DEFAULT_INSIGHT_ATTRIBUTES,
  PRODUCT_DIMENSION,
  SINGLE_DIMENSIONS,
  ageBand,
  customerDimensions,
} from './customer-dimensions.js';
export type { CustomerDimensions, InsightAttributes } from './customer-dimensions.js';
export { SegmentTally, bucketStart, segmentTallySerde } from './segment-tally.js';
export type { SegmentTallyJson } from './segment-tally.js';
export { mergeTallies } from './merge-tallies.js';
