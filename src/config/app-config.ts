import { existsSync, readFileSync } from 'node:fs';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphSettings } from '../graph/graph-client.js';

/** How to reach one vCenter. The password is resolved at use time and never leaves this process. */
export interface VCenterEndpoint {
  name: string;
  url: string;
  username: string;
  /** Name of the env variable that holds the password (the config file never needs the secret itself). */
  passwordEnv: string;
  caFile: string | null;
  insecure: boolean;
}

/** How to reach one OpenStack cloud (Keystone v3 password auth). The password stays in the environment. */
export interface CloudEndpoint {
  name: string;
  authUrl: string;
  username: string;
  passwordEnv: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  region: string | null;
  interface: 'public' | 'internal' | 'admin';
  caFile: string | null;
  insecure: boolean;
  /** Opt-in: create a right-sized flavor when none fits. */
  autoCreateFlavors: boolean;
}

export interface AppConfig {
  graph: GraphSettings;
  clouds: Map<string, CloudEndpoint>;
  redisUrl: string;
  vcenters: Map<string, VCenterEndpoint>;
  auth: { jwtSecret: string | null; disabled: boolean };
  api: { host: string; port: number; maxDepth: number; maxFields: number };
}

interface ConfigFile {
  clouds?: Record<string, Partial<Omit<CloudEndpoint, 'name'>>>;
  vcenters?: Record<
    string,
    { url?: string; username?: string; passwordEnv?: string; caFile?: string; insecure?: boolean }
  >;
}

function readConfigFile(path: string | undefined): ConfigFile {
  if (!path) return {};
  if (!existsSync(path)) {
    throw new FfoError(ErrorCode.CONFIG_INVALID, `config file ${path} (FFO_CONFIG) does not exist`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConfigFile;
  } catch (cause) {
    throw new FfoError(ErrorCode.CONFIG_INVALID, `config file ${path} is not valid JSON`, { cause });
  }
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new FfoError(ErrorCode.CONFIG_INVALID, `${name} must be a positive integer`);
  return n;
}

/**
 * Configuration from the environment plus an optional JSON file (FFO_CONFIG) for several vCenters.
 * The single-vCenter env form FFO_VCENTER_URL/USER/PASSWORD/CA names that vCenter FFO_VCENTER_NAME (default "lab").
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const file = readConfigFile(env.FFO_CONFIG);
  const vcenters = new Map<string, VCenterEndpoint>();
  for (const [name, entry] of Object.entries(file.vcenters ?? {})) {
    if (!entry.url || !entry.username || !entry.passwordEnv) {
      throw new FfoError(ErrorCode.CONFIG_INVALID, `vcenter "${name}" needs url, username and passwordEnv`);
    }
    vcenters.set(name, {
      name,
      url: entry.url,
      username: entry.username,
      passwordEnv: entry.passwordEnv,
      caFile: entry.caFile ?? null,
      insecure: entry.insecure ?? false,
    });
  }
  if (env.FFO_VCENTER_URL) {
    const name = env.FFO_VCENTER_NAME ?? 'lab';
    vcenters.set(name, {
      name,
      url: env.FFO_VCENTER_URL,
      username: env.FFO_VCENTER_USER ?? '',
      passwordEnv: 'FFO_VCENTER_PASSWORD',
      caFile: env.FFO_VCENTER_CA ?? null,
      insecure: env.FFO_VCENTER_INSECURE === '1',
    });
  }
  const clouds = new Map<string, CloudEndpoint>();
  const cloudFrom = (name: string, c: Partial<Omit<CloudEndpoint, 'name'>>): CloudEndpoint => {
    if (!c.authUrl || !c.username || !c.passwordEnv || !c.projectName) {
      throw new FfoError(
        ErrorCode.CONFIG_INVALID,
        `cloud "${name}" needs authUrl, username, passwordEnv and projectName`,
      );
    }
    const iface = c.interface ?? 'public';
    if (!['public', 'internal', 'admin'].includes(iface)) {
      throw new FfoError(
        ErrorCode.CONFIG_INVALID,
        `cloud "${name}": interface must be public, internal or admin`,
      );
    }
    return {
      name,
      authUrl: c.authUrl,
      username: c.username,
      passwordEnv: c.passwordEnv,
      projectName: c.projectName,
      userDomainName: c.userDomainName ?? 'Default',
      projectDomainName: c.projectDomainName ?? 'Default',
      region: c.region ?? null,
      interface: iface,
      caFile: c.caFile ?? null,
      insecure: c.insecure ?? false,
      autoCreateFlavors: c.autoCreateFlavors ?? false,
    };
  };
  for (const [name, entry] of Object.entries(file.clouds ?? {})) clouds.set(name, cloudFrom(name, entry));
  if (env.OS_AUTH_URL) {
    // The usual OpenStack client variables describe one cloud, named FFO_CLOUD_NAME (default "lab").
    const name = env.FFO_CLOUD_NAME ?? 'lab';
    clouds.set(
      name,
      cloudFrom(name, {
        authUrl: env.OS_AUTH_URL,
        username: env.OS_USERNAME ?? '',
        passwordEnv: 'OS_PASSWORD',
        projectName: env.OS_PROJECT_NAME ?? '',
        userDomainName: env.OS_USER_DOMAIN_NAME ?? 'Default',
        projectDomainName: env.OS_PROJECT_DOMAIN_NAME ?? 'Default',
        region: env.OS_REGION_NAME ?? null,
        interface: (env.OS_INTERFACE as CloudEndpoint['interface'] | undefined) ?? 'public',
        caFile: env.OS_CACERT ?? null,
        insecure: env.OS_INSECURE === '1',
        autoCreateFlavors: env.FFO_AUTO_CREATE_FLAVORS === '1',
      }),
    );
  }
  return {
    clouds,
    graph: {
      uri: env.NEO4J_URI ?? 'bolt://127.0.0.1:7687',
      user: env.NEO4J_USER ?? 'neo4j',
      password: env.NEO4J_PASSWORD ?? 'neo4j',
      ...(env.NEO4J_DATABASE ? { database: env.NEO4J_DATABASE } : {}),
    },
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    vcenters,
    auth: { jwtSecret: env.FFO_JWT_SECRET ?? null, disabled: env.FFO_AUTH_DISABLED === '1' },
    api: {
      host: env.FFO_API_HOST ?? '127.0.0.1',
      port: intFrom(env.FFO_API_PORT, 4000, 'FFO_API_PORT'),
      maxDepth: intFrom(env.FFO_API_MAX_DEPTH, 12, 'FFO_API_MAX_DEPTH'),
      maxFields: intFrom(env.FFO_API_MAX_FIELDS, 2000, 'FFO_API_MAX_FIELDS'),
    },
  };
}

/** Looks a vCenter up by its configured name and resolves its password; the secret is returned, never stored. */
export function vcenterCredentials(
  config: AppConfig,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): { endpoint: VCenterEndpoint; password: string; ca: string | null } {
  const endpoint = config.vcenters.get(name);
  if (!endpoint) {
    throw new FfoError(ErrorCode.NOT_FOUND, `no vCenter named "${name}" is configured`, {
      details: { vcenter: name, configured: [...config.vcenters.keys()] },
    });
  }
  const password = env[endpoint.passwordEnv];
  if (!endpoint.username || password === undefined) {
    throw new FfoError(
      ErrorCode.CREDENTIALS_MISSING,
      `credentials for vCenter "${name}" are missing (username, and the password in $${endpoint.passwordEnv})`,
      { details: { vcenter: name } },
    );
  }
  let ca: string | null = null;
  if (endpoint.caFile) {
    if (!existsSync(endpoint.caFile)) {
      throw new FfoError(
        ErrorCode.CONFIG_INVALID,
        `CA file ${endpoint.caFile} for vCenter "${name}" does not exist`,
      );
    }
    ca = readFileSync(endpoint.caFile, 'utf8');
  }
  return { endpoint, password, ca };
}

/** A cloud by configured name with its password resolved at use time; never stored. */
export function cloudCredentials(
  config: AppConfig,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): { endpoint: CloudEndpoint; password: string; ca: string | null } {
  const endpoint = config.clouds.get(name);
  if (!endpoint) {
    throw new FfoError(ErrorCode.NOT_FOUND, `no cloud named "${name}" is configured`, {
      details: { cloud: name, configured: [...config.clouds.keys()] },
    });
  }
  const password = env[endpoint.passwordEnv];
  if (password === undefined) {
    throw new FfoError(
      ErrorCode.CREDENTIALS_MISSING,
      `the password of cloud "${name}" is missing ($${endpoint.passwordEnv})`,
      {
        details: { cloud: name },
      },
    );
  }
  let ca: string | null = null;
  if (endpoint.caFile) {
    if (!existsSync(endpoint.caFile)) {
      throw new FfoError(
        ErrorCode.CONFIG_INVALID,
        `CA file ${endpoint.caFile} for cloud "${name}" does not exist`,
      );
    }
    ca = readFileSync(endpoint.caFile, 'utf8');
  }
  return { endpoint, password, ca };
}
