import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * InitProducerId Request (Version: 0) => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING     (null: an idempotent, non-transactional producer)
 *   transaction_timeout_ms => INT32
 *
 * InitProducerId Response (Version: 0) => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32  error_code => INT16  producer_id => INT64  producer_epoch => INT16
 */
interface InitProducerIdRequest {
  transactionalId: string | null;
  timeoutMs: number;
}

export const initProducerIdV0 = defineApi<
  InitProducerIdRequest,
  { errorCode: number; producerId: number; epoch: number }
>({
  apiKey: ApiKey.InitProducerId,
  version: 0,
  name: 'InitProducerId',
  decode: (reader) => ({ transactionalId: reader.nullableString(), timeoutMs: reader.int32() }),
  handle: (request, { broker }) =>
    broker.txns.initProducerId(request.transactionalId, request.timeoutMs),
  encode(writer, response) {
    writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.epoch);
  },
});
