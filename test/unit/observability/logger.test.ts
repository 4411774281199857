import { afterEach, describe, expect, it } from '@jest/globals';
import {
  addLogContext,
  configureLogging,
  createLogger,
  formatLogLine,
  parseLogLevel,
  withLogContext,
} from '../../../src/observability/logger.js';

describe('JSON logger', () => {
  const lines: string[] = [];
  const capture = (level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'debug'): void => {
    lines.length = 0;
    configureLogging({ level, sink: (line) => lines.push(line) });
  };
  const parsed = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  afterEach(() => configureLogging({ sink: null }));

  it('writes one JSON object per line with time, level, msg and component first', () => {
    capture();
    createLogger('worker').info('job 7 done', { queue: 'migrate-vm' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const [line] = parsed();
    expect(Object.keys(line!).slice(0, 4)).toEqual(['time', 'level', 'msg', 'component']);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'job 7 done',
      component: 'worker',
      queue: 'migrate-vm',
    });
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
  });

  it('puts the job context on every line inside it, across awaits and nested calls', async () => {
    capture();
    const log = createLogger('engine');
    const nested = async (): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      log.info('deep inside');
    };
    await withLogContext({ fleetId: 'fleet-1' }, async () => {
      await withLogContext({ migrationId: 'mig-1' }, async () => {
        addLogContext({ vmId: 'vc/vm-42' });
        await nested();
      });
      log.info('back in the fleet');
    });
    log.info('outside');
    const [deep, fleet, outside] = parsed();
    expect(deep).toMatchObject({
      fleetId: 'fleet-1',
      migrationId: 'mig-1',
      vmId: 'vc/vm-42',
      msg: 'deep inside',
    });
    expect(fleet).toMatchObject({ fleetId: 'fleet-1' });
    expect(fleet).not.toHaveProperty('migrationId');
    expect(outside).not.toHaveProperty('fleetId');
  });

  it('keeps contexts of concurrent jobs apart', async () => {
    capture();
    const log = createLogger('engine');
    const job = (id: string, delay: number) =>
      withLogContext({ migrationId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        log.info(`step of ${id}`);
      });
    await Promise.all([job('a', 15), job('b', 1)]);
    for (const line of parsed()) expect(line.msg).toBe(`step of ${String(line.migrationId)}`);
  });

  it('redacts secrets in fields, nested objects, errors and the message', () => {
    capture();
    const error = Object.assign(new Error('login to https://admin:hunter2@vc.example failed'), {
      code: 'VSPHERE_LOGIN_FAILED',
      details: { password: 'hunter2', user: 'admin' },
    });
    createLogger('api').error('request with Authorization: Bearer eyJhbGciOi.abc.def failed', {
      headers: {
        authorization: 'Bearer eyJhbGciOi.abc.def',
        cookie: 'vmware_soap_session=abc123',
        accept: '*/*',
      },
      config: {
        vcenter: { passwordEnv: 'EAST_PW', password: 'hunter2' },
        redisUrl: 'redis://:s3cret@redis:6379',
      },
      apiKey: 'k-123',
      FFO_JWT_SECRET: 'jwt-secret-value',
      tokens: ['a', 'b'],
      error,
    });
    const text = lines[0]!;
    for (const secret of ['hunter2', 'eyJhbGciOi', 'abc123', 's3cret', 'k-123', 'jwt-secret-value']) {
      expect(text).not.toContain(secret);
    }
    type Line = {
      headers: Record<string, string>;
      config: { vcenter: Record<string, string>; redisUrl: string };
      error: Record<string, unknown>;
      msg: string;
    };
    const line = parsed()[0] as unknown as Line;
    expect(line.headers.accept).toBe('*/*');
    expect(line.config.vcenter.passwordEnv).toBe('EAST_PW');
    expect(line.config.redisUrl).toBe('redis://:[REDACTED]@redis:6379');
    expect(line.error).toMatchObject({
      name: 'Error',
      code: 'VSPHERE_LOGIN_FAILED',
      details: { user: 'admin' },
    });
    expect(line.msg).toBe('request with Authorization: Bearer [REDACTED] failed');
  });

  it('filters by level (FFO_LOG_LEVEL) and is silent until configured', () => {
    configureLogging({ sink: null });
    createLogger('x').error('nowhere'); // no sink: the CLI's human output stays clean
    capture('warn');
    const log = createLogger('x');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(parsed().map((l) => l.level)).toEqual(['warn', 'error']);
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('warning')).toBe('warn');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel('nonsense')).toBe('info');
    configureLogging({ env: { FFO_LOG_LEVEL: 'error' }, sink: (l) => lines.push(l) });
    lines.length = 0;
    log.warn('dropped');
    log.error('kept');
    expect(parsed().map((l) => l.msg)).toEqual(['kept']);
  });

  it('never lets a field overwrite the four fixed keys', () => {
    const line = JSON.parse(
      formatLogLine('info', 'api', 'real', { msg: 'fake', level: 'error', extra: 1 }, {}, new Date(0)),
    ) as Record<string, unknown>;
    expect(line).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'real',
      component: 'api',
      extra: 1,
    });
  });
});
