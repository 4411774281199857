import { ErrorCode } from './error-codes.js';
import { FfoError, type FfoErrorOptions } from './ffo-error.js';

/** A SOAP fault returned by vCenter; `faultType` is the vim25 fault class (e.g. InvalidArgument). */
export class VSphereFaultError extends FfoError {
  readonly faultType: string;
  constructor(faultType: string, message: string, options: FfoErrorOptions = {}) {
    super(ErrorCode.VSPHERE_FAULT, message, {
      ...options,
      details: { faultType, ...(options.details ?? {}) },
    });
    this.faultType = faultType;
  }
}

export class VSphereLoginError extends FfoError {
  constructor(message: string, options: FfoErrorOptions = {}) {
    super(ErrorCode.VSPHERE_LOGIN_FAILED, message, options);
  }
}

export class VSphereNotAuthenticatedError extends FfoError {
  constructor(message: string, options: FfoErrorOptions = {}) {
    super(ErrorCode.VSPHERE_NOT_AUTHENTICATED, message, { retryable: true, ...options });
  }
}

export class VSphereUnreachableError extends FfoError {
  constructor(message: string, options: FfoErrorOptions = {}) {
    super(ErrorCode.VSPHERE_UNREACHABLE, message, { retryable: true, ...options });
  }
}

/** The server answered with something that is not a SOAP response we understand. */
export class VSphereProtocolError extends FfoError {
  constructor(message: string, options: FfoErrorOptions = {}) {
    super(ErrorCode.VSPHERE_PROTOCOL, message, options);
  }
}
