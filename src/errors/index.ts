export { ErrorCode } from './error-codes.js';
export { asFfoError, FfoError, isFfoError, type FfoErrorOptions } from './ffo-error.js';
