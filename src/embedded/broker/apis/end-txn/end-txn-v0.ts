import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * EndTxn Request (Version: 0) => transactional_id producer_id producer_epoch transaction_result
 *   transactional_id => STRING  producer_id => INT64  producer_epoch => INT16
 *   transaction_result => BOOLEAN          (true commit, false abort)
 *
 * EndTxn Response (Version: 0) => throttle_time_ms error_code
 *   throttle_time_ms => INT32  error_code => INT16
 */
interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  epoch: number;
  commit: boolean;
}

export const endTxnV0 = defineApi<EndTxnRequest, number>({
  apiKey: ApiKey.EndTxn,
  version: 0,
  name: 'EndTxn',
  decode: (reader) => ({
    transactionalId: reader.string(),
    producerId: reader.int64(),
    epoch: reader.int16(),
    commit: reader.boolean(),
  }),
  handle: (r, { broker }) => broker.txns.endTxn(r.transactionalId, r.producerId, r.epoch, r.commit),
  encode(writer, errorCode) {
    writer.int32(0).int16(errorCode);
  },
});
