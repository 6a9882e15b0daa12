import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * AddOffsetsToTxn Request (Version: 0) => transactional_id producer_id producer_epoch group_id
 *   transactional_id => STRING  producer_id => INT64  producer_epoch => INT16  group_id => STRING
 *
 * AddOffsetsToTxn Response (Version: 0) => throttle_time_ms error_code
 *   throttle_time_ms => INT32  error_code => INT16
 */
interface AddOffsetsRequest {
  transactionalId: string;
  producerId: number;
  epoch: number;
  groupId: string;
}

export const addOffsetsToTxnV0 = defineApi<AddOffsetsRequest, number>({
  apiKey: ApiKey.AddOffsetsToTxn,
  version: 0,
  name: 'AddOffsetsToTxn',
  decode: (reader) => ({
    transactionalId: reader.string(),
    producerId: reader.int64(),
    epoch: reader.int16(),
    groupId: reader.string(),
  }),
  handle: (r, { broker }) =>
    broker.txns.addOffsets(r.transactionalId, r.producerId, r.epoch, r.groupId),
  encode(writer, errorCode) {
    writer.int32(0).int16(errorCode);
  },
});
