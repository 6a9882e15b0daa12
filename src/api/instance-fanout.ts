/**
 * Questions over every customer (segment sizes, campaign statistics, segment previews) are
 * answered from the stores of all instances: the instance a client asked reads its own tasks and
 * asks every other instance for its share (an internal route, with the client's token), then the
 * caller merges them. Each share lists the partitions it covers; shares are only returned when
 * every partition is counted exactly once, otherwise (a partition restoring, or moving in a
 * rebalance) the client gets a 503 with a Retry-After, never a silently partial answer.
 */
import type { StoreQueries } from '../runtime/index.js';
import { ApiPartitionUnavailableError, ApiPeerUnavailableError } from './api-errors.js';
import { FORWARDED_HEADER, callPeer } from './peer-client.js';

export interface PartitionShare {
  /** The partitions (tasks) this share was read from. */
  partitions: number[];
}

export interface FanOutRequest<S extends PartitionShare> {
  queries: StoreQueries;
  /** The task store the shares are read from: its partition count is what must be covered. */
  storeName: string;
  /** What is being gathered, for the 503's message ("the size of segment vip"). */
  what: string;
  /** This instance's own share. */
  local(): Promise<S>;
  /** The internal route other instances answer with their share (path and query string). */
  path: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  /** The incoming request's headers: its token goes along, and a forwarded request is not fanned out again. */
  headers: Record<string, string | string[] | undefined>;
  timeoutMs: number;
}

/** Every instance's share, each partition exactly once. */
export async function gatherShares<S extends PartitionShare>(
  request: FanOutRequest<S>,
): Promise<S[]> {
  const { queries } = request;
  const self = queries.apiAddress;
  const authorization = request.headers.authorization;
  const peers =
    self === undefined || request.headers[FORWARDED_HEADER] !== undefined
      ? []
      : queries.instanceAddresses().filter((address) => address !== self);
  const [own, ...answers] = await Promise.all([
    request.local(),
    ...peers.map(async (address) => {
      const answer = await callPeer(address, {
        method: request.method ?? 'GET',
        path: request.path,
        authorization: typeof authorization === 'string' ? authorization : undefined,
        from: self!,
        body: request.body,
        timeoutMs: request.timeoutMs,
      });
      if (answer.status !== 200) {
        throw new ApiPeerUnavailableError(
          address,
          new Error(`it answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`),
        );
      }
      return JSON.parse(answer.body) as S;
    }),
  ]);
  const shares = [own, ...answers];
  checkCoverage(shares, queries.storePartitions(request.storeName), request.what);
  return shares;
}

export function checkCoverage(
  shares: readonly PartitionShare[],
  partitions: number | undefined,
  what: string,
): void {
  if (partitions === undefined) throw new ApiPartitionUnavailableError(what, 0, 'no-owner');
  const counted = new Set<number>();
  for (const share of shares) {
    for (const partition of share.partitions) {
      // Two instances both answered for it: it moved between their reads.
      if (counted.has(partition)) throw new ApiPartitionUnavailableError(what, partition, 'moving');
      counted.add(partition);
    }
  }
  for (let partition = 0; partition < partitions; partition += 1) {
    if (!counted.has(partition)) {
      throw new ApiPartitionUnavailableError(what, partition, 'unanswered');
    }
  }
}
