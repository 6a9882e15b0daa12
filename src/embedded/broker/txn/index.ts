export { TransactionCoordinator } from './transaction-coordinator.js';
export type {
  TransactionCoordinatorOptions,
  TransactionalEntry,
  TxnState,
} from './transaction-coordinator.js';
