import type { IncomingMessage } from 'node:http';
import { authenticate, type Principal } from '../auth/jwt-auth.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * Who calls the MCP tools: the same JWTs and roles as the API. Over HTTP every request carries
 * `Authorization: Bearer <jwt>`; over stdio the process gets one token from FFO_TOKEN when it starts.
 * FFO_AUTH_DISABLED=1 makes everyone admin, as it does for the API.
 */
export function principalOfRequest(req: IncomingMessage, config: AppConfig): Promise<Principal> {
  return authenticate(req.headers.authorization, config.auth);
}

export function principalOfToken(token: string | undefined, config: AppConfig): Promise<Principal> {
  return authenticate(token ? `Bearer ${token}` : undefined, config.auth);
}
