/**
 * Calls another instance's API on behalf of a caller: interactive queries forwarded to the owner
 * of a partition, and segment previews gathered from every instance. The caller's own bearer
 * token goes along (every instance has the same tokens), so the owner applies the same role and
 * masking; a header names the asking instance, so a forwarded request is never forwarded again
 * (two instances with stale, crossed owner maps would otherwise bounce it between them).
 */
import { ApiPeerUnavailableError } from './api-errors.js';

/** Set on requests one instance makes of another; its value is the asking instance's address. */
export const FORWARDED_HEADER = 'x-touchstream-forwarded-by';
/** Set on answers read from local state; its value is the answering instance's address. */
export const SERVED_BY_HEADER = 'x-touchstream-served-by';

export const DEFAULT_PEER_TIMEOUT_MS = 5_000;

export interface PeerRequest {
  method: 'GET' | 'POST';
  /** Path and query string, e.g. `/customers/C1/timeline?limit=10`. */
  path: string;
  /** The caller's Authorization header, passed on as it came. */
  authorization?: string;
  /** This instance's address, for the forwarding header. */
  from: string;
  body?: unknown;
  timeoutMs?: number;
}

export interface PeerResponse {
  status: number;
  headers: Headers;
  /** The response body as sent (JSON text for every route but /docs). */
  body: string;
}

export async function callPeer(address: string, request: PeerRequest): Promise<PeerResponse> {
  const headers: Record<string, string> = { [FORWARDED_HEADER]: request.from };
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(request.path, address), {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS),
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  } catch (error) {
    throw new ApiPeerUnavailableError(address, error);
  }
}
