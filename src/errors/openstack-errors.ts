import { ErrorCode } from './error-codes.js';
import { FfoError, type FfoErrorOptions } from './ffo-error.js';

// The stable code of each OpenStack failure kind, in one place.
const CODE = {
  badRequest: ErrorCode.BAD_INPUT,
  unauthenticated: ErrorCode.UNAUTHENTICATED,
  loginFailed: ErrorCode.OPENSTACK_LOGIN_FAILED,
  forbidden: ErrorCode.FORBIDDEN,
  quotaExceeded: ErrorCode.OPENSTACK_QUOTA_EXCEEDED,
  notFound: ErrorCode.NOT_FOUND,
  conflict: ErrorCode.OPENSTACK_CONFLICT,
  unavailable: ErrorCode.OPENSTACK_UNREACHABLE,
  protocol: ErrorCode.OPENSTACK_PROTOCOL,
  other: ErrorCode.OPENSTACK_API_ERROR,
  endpointNotFound: ErrorCode.CONFIG_INVALID,
} as const;

/** Where an OpenStack call failed. Every field is secret-free (no tokens, no request bodies). */
export interface OpenStackErrorContext {
  /** Service type of the endpoint: identity, compute, network, block-storage, image, placement. */
  service: string;
  method: string;
  /** Request path (and query) below the endpoint host. */
  path: string;
  /** HTTP status; null when no response arrived (network error, timeout). */
  status: number | null;
  /** x-openstack-request-id / x-compute-request-id: what operators grep the service logs for. */
  requestId: string | null;
  /** The service's own error message from the body, when there was one. */
  apiMessage: string | null;
  /** The error kind the body names: Nova/Cinder `itemNotFound`, Neutron `type` (e.g. `OverQuota`), ... */
  apiErrorType: string | null;
}

/** Base of all errors an OpenStack service (or the way to it) produced. */
export class OpenStackApiError extends FfoError {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly apiMessage: string | null;
  readonly apiErrorType: string | null;

  constructor(
    code: ErrorCode,
    message: string,
    context: OpenStackErrorContext,
    options: FfoErrorOptions = {},
  ) {
    super(code, message, {
      ...options,
      details: {
        service: context.service,
        method: context.method,
        path: context.path,
        status: context.status,
        requestId: context.requestId,
        apiErrorType: context.apiErrorType,
        ...(options.details ?? {}),
      },
    });
    this.service = context.service;
    this.method = context.method;
    this.path = context.path;
    this.status = context.status;
    this.requestId = context.requestId;
    this.apiMessage = context.apiMessage;
    this.apiErrorType = context.apiErrorType;
  }
}

/** HTTP 400: the request itself is wrong (bad MAC, unknown flavor property, ...). */
export class OpenStackBadRequestError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.badRequest, message, context, options);
  }
}

/** HTTP 401 from a service, still 401 after one re-authentication. */
export class OpenStackUnauthenticatedError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.unauthenticated, message, context, options);
  }
}

/** Keystone refused the credentials (or the scope) at password authentication. */
export class OpenStackLoginError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.loginFailed, message, context, options);
  }
}

/**
 * HTTP 403 (policy) or a quota refusal. `quotaExceeded` tells the two apart: quota refusals arrive as 403
 * (Nova "Quota exceeded for cores"), 409 (Neutron `OverQuota`) or 413 (Cinder `VolumeSizeExceedsAvailableQuota`).
 */
export class OpenStackForbiddenError extends OpenStackApiError {
  readonly quotaExceeded: boolean;
  constructor(
    message: string,
    context: OpenStackErrorContext,
    quotaExceeded: boolean,
    options: FfoErrorOptions = {},
  ) {
    super(quotaExceeded ? CODE.quotaExceeded : CODE.forbidden, message, context, {
      ...options,
      details: { quotaExceeded, ...(options.details ?? {}) },
    });
    this.quotaExceeded = quotaExceeded;
  }
}

/** HTTP 404. */
export class OpenStackNotFoundError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.notFound, message, context, options);
  }
}

/** HTTP 409: the resource's state forbids the request (volume in-use, MAC address in use, ...). */
export class OpenStackConflictError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.conflict, message, context, options);
  }
}

/** 5xx, 429, timeouts and network failures: retrying later may succeed (TLS failures excepted). */
export class OpenStackUnavailableError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.unavailable, message, context, { retryable: true, ...options });
  }
}

/** The service answered, but not with something we understand (no JSON, no X-Subject-Token, ...). */
export class OpenStackProtocolError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.protocol, message, context, options);
  }
}

/** Any other HTTP status (405, 406, 415, ...). */
export class OpenStackHttpError extends OpenStackApiError {
  constructor(message: string, context: OpenStackErrorContext, options: FfoErrorOptions = {}) {
    super(CODE.other, message, context, options);
  }
}

/** The service catalog has no endpoint for the wanted service type / interface / region. */
export class OpenStackEndpointNotFoundError extends FfoError {
  readonly serviceType: string;
  constructor(
    serviceType: string,
    endpointInterface: string,
    region: string | null,
    available: readonly string[],
    options: FfoErrorOptions = {},
  ) {
    const where = `${endpointInterface} endpoint${region === null ? '' : ` in region ${region}`}`;
    super(CODE.endpointNotFound, `The OpenStack service catalog has no ${where} for ${serviceType}`, {
      ...options,
      details: { serviceType, interface: endpointInterface, region, available, ...(options.details ?? {}) },
    });
    this.serviceType = serviceType;
  }
}

export function isOpenStackNotFound(error: unknown): error is OpenStackNotFoundError {
  return error instanceof OpenStackNotFoundError;
}

export function isOpenStackQuotaExceeded(error: unknown): error is OpenStackForbiddenError {
  return error instanceof OpenStackForbiddenError && error.quotaExceeded;
}
