/**
 * Gathers campaign statistics from every instance (instance-fanout.ts): each holds the partial
 * aggregates of the partitions it owns and answers `GET /internal/campaigns` with them; the one a
 * client asked adds them up, once every partition is counted exactly once.
 */
import type { FastifyRequest } from 'fastify';
import { CAMPAIGN_STORES, mergeCampaignRows, readCampaignPartials } from '../runtime/index.js';
import type {
  CampaignCounters,
  CampaignQuery,
  CampaignRow,
  StoreQueries,
} from '../runtime/index.js';
import { gatherShares } from './instance-fanout.js';
import type { PartitionShare } from './instance-fanout.js';
import { ApiTrackingOffError } from './tracking-errors.js';

export const INTERNAL_CAMPAIGNS_PATH = '/internal/campaigns';

export interface CampaignShare extends PartitionShare {
  rows: CampaignRow[];
}

/** This instance's own share: the stores of the tasks it runs. */
export async function localCampaignShare(
  queries: StoreQueries,
  query: CampaignQuery,
): Promise<CampaignShare> {
  let stores;
  try {
    stores = queries.localStores<CampaignCounters>(CAMPAIGN_STORES.campaignStats);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'TS_RUNTIME_UNKNOWN_STORE')
      throw new ApiTrackingOffError();
    throw error;
  }
  const partials = await readCampaignPartials(stores, query);
  return { partitions: partials.partitions, rows: partials.rows };
}

export function internalQueryString(query: CampaignQuery): string {
  const params = new URLSearchParams({ grouping: query.grouping });
  if (query.trigger !== undefined) params.set('trigger', query.trigger);
  if (query.from !== undefined) params.set('from', query.from);
  if (query.to !== undefined) params.set('to', query.to);
  return params.toString();
}

/** Every instance's share, merged; throws a 503 unless each partition was counted once. */
export async function gatherCampaignRows(
  request: FastifyRequest,
  queries: StoreQueries,
  query: CampaignQuery,
  timeoutMs: number,
): Promise<CampaignRow[]> {
  const shares = await gatherShares<CampaignShare>({
    queries,
    storeName: CAMPAIGN_STORES.campaignStats,
    what: 'part of the campaign statistics',
    local: () => localCampaignShare(queries, query),
    path: `${INTERNAL_CAMPAIGNS_PATH}?${internalQueryString(query)}`,
    headers: request.headers,
    timeoutMs,
  });
  return mergeCampaignRows(...shares.map((share) => share.rows));
}
