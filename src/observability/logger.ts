import { AsyncLocalStorage } from 'node:async_hooks';
import { redact, redactText } from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Ids that tie a line to the job it was written in (migrationId, fleetId, vmId, runId ...). */
export type LogContext = Record<string, string | null | undefined>;

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The same component with fixed fields on every line. */
  child(fields: LogFields): Logger;
}

const context = new AsyncLocalStorage<LogContext>();

interface LoggingSettings {
  level: LogLevel | 'silent';
  /** Where a finished line goes; null = nowhere (one-shot CLI commands keep their human output clean). */
  sink: ((line: string) => void) | null;
}

const settings: LoggingSettings = { level: 'info', sink: null };

export function parseLogLevel(value: string | undefined): LogLevel | 'silent' {
  const v = (value ?? 'info').toLowerCase();
  if (v === 'warning') return 'warn';
  return v in LEVELS ? (v as LogLevel | 'silent') : 'info';
}

/**
 * Turns logging on for a long-running process (`ffo serve`, `ffo worker`): one JSON object per line on stdout
 * at FFO_LOG_LEVEL (default info). Until this is called, log calls cost a level check and go nowhere.
 */
export function configureLogging(
  options: {
    level?: LogLevel | 'silent';
    sink?: ((line: string) => void) | null;
    env?: NodeJS.ProcessEnv;
  } = {},
): void {
  settings.level = options.level ?? parseLogLevel((options.env ?? process.env).FFO_LOG_LEVEL);
  settings.sink = options.sink === undefined ? (line) => process.stdout.write(`${line}\n`) : options.sink;
}

/** Runs work with ids that every line logged inside it (however deep, across awaits) carries. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return context.run({ ...(context.getStore() ?? {}), ...fields }, work);
}

/** Adds ids to the current context once they are known (e.g. the VM after the migration record is loaded). */
export function addLogContext(fields: LogContext): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogContext(): LogContext {
  return { ...(context.getStore() ?? {}) };
}

/** One log line as JSON: time, level, msg, component, the context ids, then the fields; secrets redacted. */
export function formatLogLine(
  level: LogLevel,
  component: string,
  msg: string,
  fields: LogFields,
  ids: LogContext,
  now: Date = new Date(),
): string {
  const line: Record<string, unknown> = { time: now.toISOString(), level, msg: redactText(msg), component };
  for (const [key, value] of Object.entries(ids))
    if (value !== undefined && value !== null) line[key] = value;
  const safe = redact(fields) as LogFields;
  for (const [key, value] of Object.entries(safe)) {
    if (value !== undefined && !(key in line && ['time', 'level', 'msg', 'component'].includes(key))) {
      line[key] = value;
    }
  }
  return JSON.stringify(line);
}

class JsonLogger implements Logger {
  constructor(
    private readonly component: string,
    private readonly fixed: LogFields,
  ) {}

  debug(msg: string, fields: LogFields = {}): void {
    this.emit('debug', msg, fields);
  }
  info(msg: string, fields: LogFields = {}): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields: LogFields = {}): void {
    this.emit('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.component, { ...this.fixed, ...fields });
  }

  private emit(level: LogLevel, msg: string, fields: LogFields): void {
    const sink = settings.sink;
    if (!sink || LEVELS[level] < LEVELS[settings.level]) return;
    sink(formatLogLine(level, this.component, msg, { ...this.fixed, ...fields }, currentLogContext()));
  }
}

export function createLogger(component: string): Logger {
  return new JsonLogger(component, {});
}
