import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, vcenterCredentials } from '../../../src/config/app-config.js';
import { parseEnvFile } from '../../../src/config/lab-env.js';
import { ErrorCode, type FfoError } from '../../../src/errors/index.js';

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as FfoError).code;
  }
};

describe('config', () => {
  it('reads a vCenter from env under a name and resolves its password only on demand', () => {
    const env = { FFO_VCENTER_URL: 'https://vc/sdk', FFO_VCENTER_USER: 'u', FFO_VCENTER_PASSWORD: 's3cret' };
    const config = loadConfig(env);
    expect(config.vcenters.get('lab')).toEqual({
      name: 'lab',
      url: 'https://vc/sdk',
      username: 'u',
      passwordEnv: 'FFO_VCENTER_PASSWORD',
      caFile: null,
      insecure: false,
    });
    expect(JSON.stringify([...config.vcenters.values()])).not.toContain('s3cret');
    expect(vcenterCredentials(config, 'lab', env).password).toBe('s3cret');
  });

  it('names unknown vCenters, missing credentials and bad files with stable codes', () => {
    const config = loadConfig({ FFO_VCENTER_URL: 'https://vc/sdk', FFO_VCENTER_USER: 'u' });
    expect(codeOf(() => vcenterCredentials(config, 'nope', {}))).toBe(ErrorCode.NOT_FOUND);
    expect(codeOf(() => vcenterCredentials(config, 'lab', {}))).toBe(ErrorCode.CREDENTIALS_MISSING);
    expect(codeOf(() => loadConfig({ FFO_CONFIG: '/no/such/file.json' }))).toBe(ErrorCode.CONFIG_INVALID);
    expect(codeOf(() => loadConfig({ FFO_API_PORT: 'x' }))).toBe(ErrorCode.CONFIG_INVALID);
  });

  it('reads several vCenters from a config file that holds no secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ffo-config-'));
    const file = join(dir, 'ffo.json');
    writeFileSync(
      file,
      JSON.stringify({ vcenters: { east: { url: 'https://e/sdk', username: 'x', passwordEnv: 'EAST_PW' } } }),
    );
    const config = loadConfig({ FFO_CONFIG: file });
    expect(vcenterCredentials(config, 'east', { EAST_PW: 'pw' }).endpoint.url).toBe('https://e/sdk');
  });

  it('parses the lab env file format', () => {
    expect(parseEnvFile("A=1\nB=hello\\ world\nC='x y'\n# no\nD=$'q\\'r'\n")).toEqual({
      A: '1',
      B: 'hello world',
      C: 'x y',
      D: "q'r",
    });
  });
});
