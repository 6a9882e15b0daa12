import type { Api } from './api.js';
import { addOffsetsToTxnV0 } from './add-offsets-to-txn/add-offsets-to-txn-v0.js';
import { addPartitionsToTxnV0 } from './add-partitions-to-txn/add-partitions-to-txn-v0.js';
import { findCoordinatorV0 } from './find-coordinator/find-coordinator-v0.js';
import { joinGroupV0 } from './join-group/join-group-v0.js';
import { joinGroupV1 } from './join-group/join-group-v1.js';
import { syncGroupV0 } from './sync-group/sync-group-v0.js';
import { heartbeatV0 } from './heartbeat/heartbeat-v0.js';
import { leaveGroupV0 } from './leave-group/leave-group-v0.js';
import { offsetCommitV2 } from './offset-commit/offset-commit-v2.js';
import { offsetFetchV1 } from './offset-fetch/offset-fetch-v1.js';
import { offsetFetchV2 } from './offset-fetch/offset-fetch-v2.js';
import { listOffsetsV1 } from './list-offsets/list-offsets-v1.js';
import { apiVersionsV0 } from './api-versions/api-versions-v0.js';
import { apiVersionsV1 } from './api-versions/api-versions-v1.js';
import { apiVersionsV2 } from './api-versions/api-versions-v2.js';
import { setSupportedVersions } from './api-versions/supported-versions.js';
import { createPartitionsV0 } from './create-partitions/create-partitions-v0.js';
import { createTopicsV2 } from './create-topics/create-topics-v2.js';
import { deleteGroupsV1 } from './delete-groups/delete-groups-v1.js';
import { deleteTopicsV1 } from './delete-topics/delete-topics-v1.js';
import { describeConfigsV1 } from './describe-configs/describe-configs-v1.js';
import { describeGroupsV1 } from './describe-groups/describe-groups-v1.js';
import { endTxnV0 } from './end-txn/end-txn-v0.js';
import { fetchV4 } from './fetch/fetch-v4.js';
import { findCoordinatorV1 } from './find-coordinator/find-coordinator-v1.js';
import { heartbeatV1 } from './heartbeat/heartbeat-v1.js';
import { initProducerIdV0 } from './init-producer-id/init-producer-id-v0.js';
import { joinGroupV2 } from './join-group/join-group-v2.js';
import { leaveGroupV1 } from './leave-group/leave-group-v1.js';
import { listGroupsV1 } from './list-groups/list-groups-v1.js';
import { listOffsetsV2 } from './list-offsets/list-offsets-v2.js';
import { metadataV4 } from './metadata/metadata-v4.js';
import { offsetCommitV3 } from './offset-commit/offset-commit-v3.js';
import { offsetFetchV3 } from './offset-fetch/offset-fetch-v3.js';
import { produceV3 } from './produce/produce-v3.js';
import { syncGroupV1 } from './sync-group/sync-group-v1.js';
import { txnOffsetCommitV0 } from './txn-offset-commit/txn-offset-commit-v0.js';

/**
 * Every (API, version) the broker implements. ApiVersions advertises exactly these ranges, so
 * kafkajs (which takes min(its best, our max)) lands on these versions: all non-flexible, all
 * carrying v2 record batches.
 */
const ALL: Api[] = [
  findCoordinatorV0,
  joinGroupV0,
  joinGroupV1,
  syncGroupV0,
  heartbeatV0,
  leaveGroupV0,
  offsetCommitV2,
  offsetFetchV1,
  offsetFetchV2,
  listOffsetsV1,
  produceV3,
  fetchV4,
  listOffsetsV2,
  metadataV4,
  offsetCommitV3,
  offsetFetchV3,
  findCoordinatorV1,
  joinGroupV2,
  heartbeatV1,
  leaveGroupV1,
  syncGroupV1,
  describeGroupsV1,
  listGroupsV1,
  apiVersionsV0,
  apiVersionsV1,
  apiVersionsV2,
  createTopicsV2,
  deleteTopicsV1,
  initProducerIdV0,
  addPartitionsToTxnV0,
  addOffsetsToTxnV0,
  endTxnV0,
  txnOffsetCommitV0,
  describeConfigsV1,
  createPartitionsV0,
  deleteGroupsV1,
];

export const apis = new Map<number, Map<number, Api>>();
for (const api of ALL) {
  const versions = apis.get(api.apiKey) ?? new Map<number, Api>();
  versions.set(api.version, api);
  apis.set(api.apiKey, versions);
}

setSupportedVersions(
  [...apis].map(([apiKey, versions]) => {
    const numbers = [...versions.keys()];
    const minVersion = Math.min(...numbers);
    const maxVersion = Math.max(...numbers);
    // ApiVersions advertises a range, so every version inside it must exist.
    if (maxVersion - minVersion + 1 !== numbers.length)
      throw new Error(`API ${apiKey} has gaps in its versions ${numbers.join(',')}`);
    return { apiKey, minVersion, maxVersion };
  }),
);
