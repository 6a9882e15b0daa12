/**
 * Answers a request from the task state that holds one key, wherever that task runs: read here
 * when this instance runs it, forwarded to the owner's API otherwise, refused with 503 and a
 * Retry-After while no instance can answer (restoring, no owner yet, moving in a rebalance).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReadableStore, StoreQueries } from '../runtime/index.js';
import { ApiPartitionUnavailableError, ApiUnavailableError } from './api-errors.js';
import { FORWARDED_HEADER, SERVED_BY_HEADER, callPeer } from './peer-client.js';

/** Headers of the owner's answer that the forwarding instance passes back. */
const PASSED_BACK = ['content-type', 'retry-after', SERVED_BY_HEADER];

export interface OwnerQuery<V, R> {
  queries: StoreQueries;
  storeName: string;
  key: string;
  /** What is asked for, for messages: `customer "C1"`. */
  what: string;
  timeoutMs: number;
  read(store: ReadableStore<V>, streamTime: number): Promise<R>;
}

export async function answerFromOwner<V, R>(
  request: FastifyRequest,
  reply: FastifyReply,
  query: OwnerQuery<V, R>,
): Promise<R | FastifyReply> {
  let where;
  try {
    where = query.queries.queryStore<V>(query.storeName, query.key);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'TS_RUNTIME_UNKNOWN_STORE')
      throw new ApiUnavailableError(`the ${query.storeName} store (not kept by this engine)`);
    throw error;
  }
  const self = query.queries.apiAddress;
  if (where.kind === 'local') {
    reply.header(SERVED_BY_HEADER, self ?? 'local');
    return query.read(where.store, where.streamTime);
  }
  if (where.kind === 'unavailable')
    throw new ApiPartitionUnavailableError(query.what, where.partition, where.reason);
  // Asked by another instance that thought this one owns it: the two disagree, so it is moving.
  if (request.headers[FORWARDED_HEADER] !== undefined || self === undefined)
    throw new ApiPartitionUnavailableError(query.what, where.partition, 'moving');
  const answer = await callPeer(where.address, {
    method: 'GET',
    path: request.url,
    authorization: request.headers.authorization,
    from: self,
    timeoutMs: query.timeoutMs,
  });
  reply.code(answer.status);
  for (const name of PASSED_BACK) {
    const value = answer.headers.get(name);
    if (value !== null) reply.header(name, value);
  }
  // Sent as the owner wrote it: already serialized (and masked for this caller's role) there.
  return reply.send(answer.body);
}
