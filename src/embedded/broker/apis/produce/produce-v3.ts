import type { BrokerState } from '../shared.js';
import { CorruptRecordBatchError } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { splitRecordSet } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout => INT32
 *   topic_data => topic [data]
 *     topic => STRING
 *     data => partition record_set
 *       partition => INT32
 *       record_set => RECORDS          (NULLABLE_BYTES holding v2 record batches)
 *
 * Produce Response (Version: 3) => [responses] throttle_time_ms
 *   responses => topic [partition_responses]
 *     topic => STRING
 *     partition_responses => partition error_code base_offset log_append_time
 *       partition => INT32  error_code => INT16  base_offset => INT64  log_append_time => INT64
 *   throttle_time_ms => INT32
 */
interface ProducePartition {
  partition: number;
  records: Buffer | null;
}

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  topics: { name: string; partitions: ProducePartition[] }[];
}

interface PartitionResult {
  partition: number;
  errorCode: number;
  baseOffset: number;
}

interface ProduceResponse {
  topics: { name: string; partitions: PartitionResult[] }[];
}

function producePartition(
  broker: BrokerState,
  transactionalId: string | null,
  topic: string,
  entry: ProducePartition,
): PartitionResult {
  const { partition, records } = entry;
  const log = broker.partition(topic, partition);
  if (log === undefined)
    return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 };
  if (records === null || records.length === 0)
    return { partition, errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
  let batches;
  try {
    batches = splitRecordSet(records, `${topic}/${partition}`);
  } catch (error) {
    if (!(error instanceof CorruptRecordBatchError)) throw error;
    broker.options.logger('warn', 'produce refused a record batch', {
      topic,
      partition,
      reason: error.message,
    });
    const errorCode =
      error.details.magic !== undefined
        ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
        : ErrorCode.CORRUPT_MESSAGE;
    return { partition, errorCode, baseOffset: -1 };
  }
  for (const { header } of batches) {
    if (header.compression > 4)
      return { partition, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, baseOffset: -1 };
    if (header.isControl)
      return { partition, errorCode: ErrorCode.INVALID_REQUEST, baseOffset: -1 };
    if (header.isTransactional) {
      if (transactionalId === null)
        return { partition, errorCode: ErrorCode.INVALID_TXN_STATE, baseOffset: -1 };
      const errorCode = broker.txns.checkProduce(
        header.producerId,
        header.producerEpoch,
        topic,
        partition,
      );
      if (errorCode !== ErrorCode.NONE) return { partition, errorCode, baseOffset: -1 };
    }
  }
  const result = log.append(batches);
  return { partition, errorCode: result.errorCode, baseOffset: result.baseOffset };
}

export const produceV3 = defineApi<ProduceRequest, ProduceResponse>({
  apiKey: ApiKey.Produce,
  version: 3,
  name: 'Produce',
  decode(reader) {
    const transactionalId = reader.nullableString();
    const acks = reader.int16();
    reader.int32(); // timeout: every append completes at once on a single node
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((p) => ({ partition: p.int32(), records: p.nullableBytes() }), 8),
      }),
      6,
    );
    return { transactionalId, acks, topics };
  },
  handle(request, { broker }) {
    const invalidAcks = request.acks !== 0 && request.acks !== 1 && request.acks !== -1;
    const topics = request.topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map((entry) =>
        invalidAcks
          ? {
              partition: entry.partition,
              errorCode: ErrorCode.INVALID_REQUIRED_ACKS,
              baseOffset: -1,
            }
          : producePartition(broker, request.transactionalId, name, entry),
      ),
    }));
    broker.notifyData();
    return request.acks === 0 ? null : { topics };
  },
  encode(writer, response) {
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.baseOffset).int64(-1);
      });
    });
    writer.int32(0);
  },
});
