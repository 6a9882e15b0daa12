import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * CreatePartitions Request (Version: 0) => [topic_partitions] timeout validate_only
 *   topic_partitions => topic new_partitions
 *     topic => STRING
 *     new_partitions => count [assignment]
 *       count => INT32
 *       assignment => ARRAY(INT32)       (nullable array of arrays)
 *   timeout => INT32
 *   validate_only => BOOLEAN
 *
 * CreatePartitions Response (Version: 0) => throttle_time_ms [topic_errors]
 *   throttle_time_ms => INT32
 *   topic_errors => topic error_code error_message
 *     topic => STRING  error_code => INT16  error_message => NULLABLE_STRING
 */
interface CreatePartitionsRequest {
  topics: { name: string; count: number }[];
  validateOnly: boolean;
}

export const createPartitionsV0 = defineApi<
  CreatePartitionsRequest,
  { name: string; errorCode: number; errorMessage: string | null }[]
>({
  apiKey: ApiKey.CreatePartitions,
  version: 0,
  name: 'CreatePartitions',
  decode(reader) {
    const topics = reader.array((r) => {
      const name = r.string();
      const count = r.int32();
      r.nullableArray((a) => a.array((x) => x.int32(), 4), 4);
      return { name, count };
    }, 10);
    reader.int32();
    return { topics, validateOnly: reader.boolean() };
  },
  handle: (request, { broker }) =>
    request.topics.map((t) => ({
      name: t.name,
      ...broker.topics.grow(t.name, t.count, request.validateOnly),
    })),
  encode(writer, results) {
    writer.int32(0);
    writer.array(results, (w, r) => {
      w.string(r.name).int16(r.errorCode).nullableString(r.errorMessage);
    });
  },
});
