// Turns an OpenStack error response (status + body) into one of our typed errors. Each service words its
// errors differently; what we need from all of them is the message, the error kind and the request id.

import {
  OpenStackBadRequestError,
  OpenStackConflictError,
  OpenStackForbiddenError,
  OpenStackHttpError,
  OpenStackNotFoundError,
  OpenStackUnauthenticatedError,
  OpenStackUnavailableError,
  type OpenStackApiError,
  type OpenStackErrorContext,
} from '../../errors/openstack-errors.js';

export interface ParsedErrorBody {
  message: string | null;
  /** Nova/Cinder wrapper key (`itemNotFound`, `forbidden`, `overLimit`), Neutron `type`, Keystone `title`. */
  type: string | null;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * Known shapes:
 *  Nova, Cinder   {"itemNotFound": {"code": 404, "message": "..."}}   (also badRequest, forbidden, overLimit, ...)
 *  Neutron        {"NeutronError": {"type": "OverQuota", "message": "...", "detail": ""}}
 *  Keystone       {"error": {"code": 401, "message": "...", "title": "Unauthorized"}}
 *  Placement      {"errors": [{"status": 404, "title": "Not Found", "detail": "...", "request_id": "..."}]}
 *  Glance         {"code": "404 Not Found", "title": "Not Found", "message": "..."} or webob plain text / HTML
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return { message: null, type: null };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { message: clip(stripHtml(trimmed)), type: null };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { message: clip(String(json)), type: null };
  }
  const body = json as Record<string, unknown>;
  const neutron = asRecord(body['NeutronError']);
  if (neutron !== null) {
    return { message: clip(str(neutron['message'])), type: str(neutron['type']) };
  }
  if (Array.isArray(body['errors'])) {
    const first = asRecord(body['errors'][0]);
    if (first !== null) {
      return { message: clip(str(first['detail']) ?? str(first['title'])), type: str(first['title']) };
    }
  }
  const keystone = asRecord(body['error']);
  if (keystone !== null) {
    return { message: clip(str(keystone['message'])), type: str(keystone['title']) };
  }
  if (typeof body['message'] === 'string') {
    return { message: clip(stripHtml(body['message'])), type: str(body['title']) };
  }
  // Nova/Cinder: a single wrapper object whose key names the fault.
  const keys = Object.keys(body);
  if (keys.length === 1) {
    const inner = asRecord(body[keys[0]!]);
    if (inner !== null) return { message: clip(str(inner['message'])), type: keys[0]! };
  }
  return { message: clip(trimmed), type: null };
}

/**
 * Quota refusals look different per service: Nova 403 "Quota exceeded for cores: ...", Nova 403
 * "Maximum number of ports exceeded" (Neutron quota seen through Nova), Neutron 409 type `OverQuota`,
 * Cinder 413 `overLimit` ("VolumeSizeExceedsAvailableQuota: ...", "VolumeSizeExceedsLimit: ..."), Glance 413
 * "... exceeds the storage quota".
 */
export function isQuotaExhaustion(parsed: ParsedErrorBody): boolean {
  if (parsed.type !== null && /^(OverQuota|QuotaExceeded|.*QuotaError)$/i.test(parsed.type)) return true;
  // Cinder answers every quota refusal with 413 overLimit, also the per_volume_gigabytes one whose message
  // ("VolumeSizeExceedsLimit: Requested volume size 20000G is larger than maximum allowed limit 2000G.")
  // does not say "quota". Rate limiting comes as 429 nowadays.
  if (parsed.type === 'overLimit') return true;
  const message = parsed.message ?? '';
  if (/over ?quota/i.test(message)) return true;
  if (/quota/i.test(message) && /exceed/i.test(message)) return true;
  return /maximum number of \w[\w ]* (is )?exceeded/i.test(message);
}

export interface HttpFailure {
  service: string;
  method: string;
  path: string;
  status: number;
  requestId: string | null;
  bodyText: string;
}

/** Maps an HTTP status >= 400 to the error class callers branch on. */
export function errorFromResponse(failure: HttpFailure): OpenStackApiError {
  const parsed = parseErrorBody(failure.bodyText);
  const context: OpenStackErrorContext = {
    service: failure.service,
    method: failure.method,
    path: failure.path,
    status: failure.status,
    requestId: failure.requestId ?? requestIdFromBody(failure.bodyText),
    apiMessage: parsed.message,
    apiErrorType: parsed.type,
  };
  const message = describe(context);
  const quota = isQuotaExhaustion(parsed);
  const status = failure.status;
  if (quota && (status === 403 || status === 409 || status === 413)) {
    return new OpenStackForbiddenError(message, context, true);
  }
  switch (status) {
    case 400:
      return new OpenStackBadRequestError(message, context);
    case 401:
      return new OpenStackUnauthenticatedError(message, context);
    case 403:
      return new OpenStackForbiddenError(message, context, false);
    case 404:
      return new OpenStackNotFoundError(message, context);
    case 409:
      return new OpenStackConflictError(message, context);
    case 429:
      return new OpenStackUnavailableError(message, context);
  }
  // 501 Not Implemented will not start working by retrying.
  if (status >= 500 && status !== 501) return new OpenStackUnavailableError(message, context);
  return new OpenStackHttpError(message, context);
}

/** "compute GET /flavors/x: HTTP 404 itemNotFound: Flavor x could not be found. [req-...]" */
export function describe(context: OpenStackErrorContext): string {
  const what = context.status === null ? 'no response' : `HTTP ${context.status}`;
  const type = context.apiErrorType === null ? '' : ` ${context.apiErrorType}`;
  const text = context.apiMessage === null ? '' : `: ${context.apiMessage}`;
  const id = context.requestId === null ? '' : ` [${context.requestId}]`;
  return `${context.service} ${context.method} ${context.path}: ${what}${type}${text}${id}`;
}

/** Placement repeats the request id in each error; used when the header is missing. */
function requestIdFromBody(text: string): string | null {
  const match = /"request_id"\s*:\s*"([^"]+)"/.exec(text);
  return match?.[1] ?? null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function stripHtml(text: string): string {
  return text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function clip(text: string | null): string | null {
  if (text === null) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}
