import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * AddPartitionsToTxn Request (Version: 0) => transactional_id producer_id producer_epoch [topics]
 *   transactional_id => STRING  producer_id => INT64  producer_epoch => INT16
 *   topics => topic [partitions]
 *     topic => STRING  partitions => INT32
 *
 * AddPartitionsToTxn Response (Version: 0) => throttle_time_ms [errors]
 *   throttle_time_ms => INT32
 *   errors => topic [partition_errors]
 *     topic => STRING
 *     partition_errors => partition error_code
 *       partition => INT32  error_code => INT16
 */
interface AddPartitionsRequest {
  transactionalId: string;
  producerId: number;
  epoch: number;
  topics: { name: string; partitions: number[] }[];
}

type AddPartitionsResponse = {
  name: string;
  partitions: { partition: number; errorCode: number }[];
}[];

export const addPartitionsToTxnV0 = defineApi<AddPartitionsRequest, AddPartitionsResponse>({
  apiKey: ApiKey.AddPartitionsToTxn,
  version: 0,
  name: 'AddPartitionsToTxn',
  decode: (reader) => ({
    transactionalId: reader.string(),
    producerId: reader.int64(),
    epoch: reader.int16(),
    topics: reader.array(
      (r) => ({ name: r.string(), partitions: r.array((p) => p.int32(), 4) }),
      6,
    ),
  }),
  handle(request, { broker }) {
    const flat = request.topics.flatMap((t) =>
      t.partitions.map((partition) => ({ topic: t.name, partition })),
    );
    const codes = broker.txns.addPartitions(
      request.transactionalId,
      request.producerId,
      request.epoch,
      flat,
    );
    let i = 0;
    return request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => ({ partition, errorCode: codes[i++] })),
    }));
  },
  encode(writer, response) {
    writer.int32(0);
    writer.array(response, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode);
      });
    });
  },
});
