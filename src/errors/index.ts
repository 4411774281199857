export { ErrorCode } from './error-codes.js';
export { FfoError, isFfoError, type FfoErrorOptions } from './ffo-error.js';
