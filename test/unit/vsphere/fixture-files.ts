// Reads the recorded / crafted SOAP responses in test/fixtures/vsphere.
import { readFileSync, readdirSync } from 'node:fs';

const FIXTURE_DIR = new URL('../../fixtures/vsphere/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8');
}

export function xmlFixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.xml'))
    .sort();
}
