/**
 * Bearer-token auth. Roles are ordered: viewer (aggregates only) < operator (reads everything,
 * personal data unmasked) < author (also writes rules). A route declares the least role it needs
 * in `config.role`; routes without one (health, metrics, docs) are open.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskValue } from '../observability/index.js';
import { ApiForbiddenError, ApiUnauthorizedError } from './api-errors.js';

export const ROLES = ['viewer', 'operator', 'author'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiToken {
  token: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role that may call the route; absent means open. */
    role?: Role;
  }
  interface FastifyRequest {
    apiRole?: Role;
  }
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Only operator and author see phone and ID-card numbers in clear. */
export function seesPersonalData(role: Role | undefined): boolean {
  return role !== undefined && roleAtLeast(role, 'operator');
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function registerAuth(app: FastifyInstance, tokens: readonly ApiToken[]): void {
  const byToken = new Map(tokens.map((entry) => [entry.token, entry.role]));
  app.decorateRequest('apiRole', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const needed = request.routeOptions.config.role;
    if (needed === undefined) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      throw new ApiUnauthorizedError(
        'missing Authorization header; send "Authorization: Bearer <token>" with a configured token',
      );
    }
    const token = BEARER.exec(header)?.[1];
    const role = token === undefined ? undefined : byToken.get(token);
    if (role === undefined) {
      throw new ApiUnauthorizedError(
        'unknown or malformed bearer token; use a token listed in the api.tokens config',
      );
    }
    if (!roleAtLeast(role, needed)) {
      throw new ApiForbiddenError(
        role,
        needed,
        `${request.method} ${request.routeOptions.url ?? request.url}`,
      );
    }
    request.apiRole = role;
  });
  // Masking runs on the object before serialisation so every route is covered, including
  // ones added later, without each handler remembering to do it.
  app.addHook('preSerialization', async (request: FastifyRequest, _reply, payload: unknown) => {
    if (request.routeOptions.config.role === undefined || seesPersonalData(request.apiRole)) {
      return payload;
    }
    return maskValue(payload);
  });
}
