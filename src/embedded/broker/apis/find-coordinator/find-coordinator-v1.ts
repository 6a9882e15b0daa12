import { NODE_ID } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';
import type { ApiDefinition } from '../api.js';

/**
 * FindCoordinator Request (Version: 1) => coordinator_key coordinator_type
 *   coordinator_key => STRING
 *   coordinator_type => INT8            (0 group, 1 transaction)
 *
 * FindCoordinator Response (Version: 1) => throttle_time_ms error_code error_message coordinator
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   error_message => NULLABLE_STRING
 *   coordinator => node_id host port
 *     node_id => INT32  host => STRING  port => INT32
 */
export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export interface FindCoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  host: string;
  port: number;
}

export const findCoordinatorV1Definition: ApiDefinition<
  FindCoordinatorRequest,
  FindCoordinatorResponse
> = {
  apiKey: ApiKey.FindCoordinator,
  version: 1,
  name: 'FindCoordinator',
  decode: (reader) => ({ key: reader.string(), keyType: reader.int8() }),
  handle(request, { broker }) {
    // The single node coordinates every group and every transactional id.
    if (request.keyType !== 0 && request.keyType !== 1) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `coordinator type ${request.keyType} is not 0 (group) or 1 (transaction)`,
        host: '',
        port: -1,
      };
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, host: broker.host, port: broker.port };
  },
  encode(writer, response) {
    writer.int32(0).int16(response.errorCode).nullableString(response.errorMessage);
    writer
      .int32(response.errorCode === ErrorCode.NONE ? NODE_ID : -1)
      .string(response.host)
      .int32(response.port);
  },
};

export const findCoordinatorV1 = defineApi(findCoordinatorV1Definition);
