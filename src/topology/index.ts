export {
  StreamsBuilder,
  KStream,
  KTable,
  KGroupedStream,
  GlobalKTable,
} from './streams-builder.js';
export type {
  Consumed,
  Produced,
  Materialized,
  Named,
  StreamsBuilderOptions,
} from './streams-builder.js';
export { Topology } from './topology.js';
export type {
  GlobalTableDefinition,
  Partitioner,
  ProcessorNode,
  SinkNode,
  SourceDelivery,
  SourceNode,
  SubTopology,
  TimestampExtractor,
  TopologyDefinition,
  TopologyNode,
} from './nodes.js';
export { float64Serde, jsonSerde, stringSerde, typedJsonSerde } from './serdes.js';
export { TopologyError } from './errors.js';
