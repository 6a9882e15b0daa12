export type {
  BackgroundJob,
  FiredTimer,
  Headers,
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  RecordMetadata,
  StreamRecord,
  TimerClock,
  TimerOptions,
  TimerService,
} from './types.js';
export {
  BranchProcessor,
  FilterProcessor,
  FlatMapProcessor,
  MapProcessor,
  PassThroughProcessor,
  PeekProcessor,
} from './stateless-processors.js';
export type {
  FlatKeyValueMapper,
  KeyValue,
  KeyValueMapper,
  Predicate,
} from './stateless-processors.js';
export {
  AggregateProcessor,
  StreamTableJoinProcessor,
  TableMaterializer,
} from './stateful-processors.js';
export type { Aggregator, Initializer, ValueJoiner } from './stateful-processors.js';
export { ProcessorRunner, failedNode } from './processor-runner.js';
export type { ProcessorNodeSpec, RecordReceiver, TaskServices } from './processor-runner.js';
export { ProcessorTimerService, firedTimer, parseTimerId, timerId } from './timer-service.js';
export type { DurableTimeQueue, ParsedTimerId } from './timer-service.js';
export { OperatorError } from './errors.js';
