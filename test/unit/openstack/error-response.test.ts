import { describe, expect, it } from '@jest/globals';
import {
  OpenStackConflictError,
  OpenStackForbiddenError,
  OpenStackHttpError,
  OpenStackNotFoundError,
  OpenStackUnavailableError,
} from '../../../src/errors/openstack-errors.js';
import {
  errorFromResponse,
  isQuotaExhaustion,
  parseErrorBody,
} from '../../../src/providers/openstack/openstack-error-response.js';
import { readFixture } from './fixture-files.js';

describe('parseErrorBody', () => {
  it.each([
    [
      'error-nova-quota.crafted.json',
      'forbidden',
      'Quota exceeded for cores: Requested 64, but already used 0 of 20 cores',
    ],
    ['error-nova-not-found.crafted.json', 'itemNotFound', 'Flavor nope could not be found.'],
    ['error-neutron-overquota.crafted.json', 'OverQuota', "Quota exceeded for resources: ['port']."],
    ['error-keystone-401.crafted.json', 'Unauthorized', 'The request you have made requires authentication.'],
    ['error-glance-not-found.crafted.txt', null, '404 Not Found The resource could not be found.'],
  ])('%s', (file, type, message) => {
    expect(parseErrorBody(readFixture(file))).toEqual({ type, message });
  });

  it('reads Placement errors[] and Glance JSON', () => {
    expect(parseErrorBody(readFixture('error-placement-not-found.crafted.json')).type).toBe('Not Found');
    expect(
      parseErrorBody(
        '{"code": "409 Conflict", "title": "Conflict", "message": "Image status transition from active to saving is not allowed"}',
      ),
    ).toEqual({
      type: 'Conflict',
      message: 'Image status transition from active to saving is not allowed',
    });
  });

  it('strips HTML, clips long messages, handles empty and odd bodies', () => {
    expect(
      parseErrorBody(
        '<html><head><title>502</title><style>x{}</style></head><body><h1>Bad Gateway</h1></body></html>',
      ).message,
    ).toBe('502 Bad Gateway');
    expect(parseErrorBody('x'.repeat(2000)).message).toHaveLength(501);
    expect(parseErrorBody('')).toEqual({ message: null, type: null });
    expect(parseErrorBody('42')).toEqual({ message: '42', type: null });
    expect(parseErrorBody('{"a": 1, "b": 2}').message).toBe('{"a": 1, "b": 2}');
  });
});

describe('isQuotaExhaustion', () => {
  it.each([
    [
      {
        type: 'forbidden',
        message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances',
      },
      true,
    ],
    [{ type: 'forbidden', message: 'Maximum number of ports exceeded' }, true],
    [{ type: 'OverQuota', message: null }, true],
    [
      {
        type: 'overLimit',
        message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.",
      },
      true,
    ],
    [
      {
        type: null,
        message:
          '413 Request Entity Too Large: Image exceeds the storage quota: The size of the data 2 will exceed the limit. 1 bytes remaining.',
      },
      true,
    ],
    [
      {
        type: 'forbidden',
        message: "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.",
      },
      false,
    ],
    [{ type: 'forbidden', message: 'You are not authorized to override the quota' }, false],
  ])('%j -> %s', (parsed, expected) => {
    expect(isQuotaExhaustion(parsed)).toBe(expected);
  });
});

describe('errorFromResponse', () => {
  const base = { service: 'compute', method: 'GET', path: '/x', requestId: 'req-1' };

  it('maps statuses to classes', () => {
    expect(errorFromResponse({ ...base, status: 404, bodyText: '' })).toBeInstanceOf(OpenStackNotFoundError);
    expect(errorFromResponse({ ...base, status: 409, bodyText: '' })).toBeInstanceOf(OpenStackConflictError);
    expect(errorFromResponse({ ...base, status: 429, bodyText: '' })).toBeInstanceOf(
      OpenStackUnavailableError,
    );
    expect(errorFromResponse({ ...base, status: 504, bodyText: '' }).retryable).toBe(true);
    expect(errorFromResponse({ ...base, status: 501, bodyText: '' })).toBeInstanceOf(OpenStackHttpError);
    expect(errorFromResponse({ ...base, status: 405, bodyText: '' }).retryable).toBe(false);
    // 413 without a quota message (e.g. a too large request body) is not a quota error
    expect(errorFromResponse({ ...base, status: 413, bodyText: 'Request Entity Too Large' })).toBeInstanceOf(
      OpenStackHttpError,
    );
    const quota = errorFromResponse({
      ...base,
      status: 409,
      bodyText: readFixture('error-neutron-overquota.crafted.json'),
    });
    expect(quota).toBeInstanceOf(OpenStackForbiddenError);
    expect((quota as OpenStackForbiddenError).quotaExceeded).toBe(true);
  });

  it('keeps secrets out of the message and details', () => {
    const e = errorFromResponse({ ...base, status: 404, bodyText: '{"itemNotFound": {"message": "m"}}' });
    expect(e.message).toBe('compute GET /x: HTTP 404 itemNotFound: m [req-1]');
    expect(e.details).toEqual({
      service: 'compute',
      method: 'GET',
      path: '/x',
      status: 404,
      requestId: 'req-1',
      apiErrorType: 'itemNotFound',
    });
  });
});
