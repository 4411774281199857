// Reads the recorded / crafted OpenStack responses in test/fixtures/openstack.
import { readFileSync } from 'node:fs';

const FIXTURE_DIR = new URL('../../fixtures/openstack/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8');
}

export function readJsonFixture<T = unknown>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}
