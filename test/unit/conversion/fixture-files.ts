// Reads the recorded tool output in test/fixtures/conversion.
import { readFileSync } from 'node:fs';

const FIXTURE_DIR = new URL('../../fixtures/conversion/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8');
}
