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
