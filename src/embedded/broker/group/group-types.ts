import type { CommittedOffset, JoinResult } from './consumer-group.js';

export interface GroupCoordinatorOptions {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

/** Where committed offsets go besides memory (the data directory, when there is one). */
export interface OffsetPersistence {
  committed(groupId: string, topic: string, partition: number, committed: CommittedOffset): void;
  groupDeleted(groupId: string): void;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  clientId: string;
  clientHost: string;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

export function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}
