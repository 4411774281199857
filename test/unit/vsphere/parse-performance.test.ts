// Parse cost of a 5,000-VM RetrievePropertiesEx response (~45 MB), built from the crafted fixture.
// The bounds are loose on purpose (shared CI machines); the printed timings are the measurement.
import { describe, expect, it } from '@jest/globals';
import { pruneIgnoredDevices } from '../../../src/providers/vsphere/device-mapping.js';
import { readInventory } from '../../../src/providers/vsphere/inventory-reader.js';
import type { VCenterAbout } from '../../../src/providers/vsphere/inventory-types.js';
import {
  moRef,
  type ManagedObjectReference,
} from '../../../src/providers/vsphere/managed-object-reference.js';
import { parseRetrieveResult, type ObjectContent } from '../../../src/providers/vsphere/retrieve-result.js';
import { parseSoapResponse } from '../../../src/providers/vsphere/soap-response-parser.js';
import type { VimSession } from '../../../src/providers/vsphere/vim-client.js';
import { readFixture } from './fixture-files.js';

const VM_COUNT = 5000;

function syntheticResponse(): string {
  const xml = readFixture('retrieve-inventory.vcenter.xml');
  const start = xml.indexOf('<objects><obj type="VirtualMachine">vm-80</obj>');
  const end = xml.indexOf('</objects>', start) + '</objects>'.length;
  const template = xml.slice(start, end);
  const others =
    xml.slice(xml.indexOf('<returnval>') + '<returnval>'.length, start) +
    xml.slice(end, xml.indexOf('</returnval>'));
  const parts: string[] = [];
  for (let i = 0; i < VM_COUNT; i++) {
    parts.push(template.replace('>vm-80<', `>vm-${100000 + i}<`).replace('>web01<', `>web-${i}<`));
  }
  return (
    xml.slice(0, xml.indexOf('<returnval>') + '<returnval>'.length) +
    others +
    parts.join('') +
    xml.slice(xml.indexOf('</returnval>'))
  );
}

function sessionOf(objects: ObjectContent[]): VimSession {
  return {
    about: () =>
      Promise.resolve({
        instanceUuid: 'u',
        fullName: 'f',
        apiVersion: '8.0',
        apiType: 'VirtualCenter',
      } as VCenterAbout),
    retrieveServiceContent: () => Promise.reject(new Error('unused')),
    createContainerView: () => Promise.resolve(moRef('ContainerView', 'v')),
    destroyView: (_view: ManagedObjectReference) => Promise.resolve(),
    retrievePropertiesEx: () => Promise.reject(new Error('unused')),
    continueRetrievePropertiesEx: () => Promise.reject(new Error('unused')),
    retrievePropertyPages: async function* () {
      await Promise.resolve();
      yield objects;
    },
  };
}

describe('5,000-VM response', () => {
  it('parses and maps well within the discovery budget', async () => {
    const xml = syntheticResponse();
    const tFull = performance.now();
    parseSoapResponse(xml, 'RetrievePropertiesEx');
    const t0 = performance.now();
    // What readInventory does: parse with the ignored device kinds pruned.
    const result = parseRetrieveResult(
      parseSoapResponse(xml, 'RetrievePropertiesEx', { prune: pruneIgnoredDevices }),
    );
    const t1 = performance.now();
    const inventory = await readInventory(sessionOf(result.objects));
    const t2 = performance.now();

    expect(inventory.vms).toHaveLength(VM_COUNT + 7);
    const sample = inventory.vms.find((v) => v.name === 'web-4999')!;
    expect(sample.disks).toHaveLength(3);
    expect(sample.nics.map((n) => n.portGroupMoid)).toEqual([
      'dvportgroup-73',
      'dvportgroup-75',
      'network-7',
    ]);

    const mb = (Buffer.byteLength(xml) / 1e6).toFixed(1);
    process.stdout.write(
      `[perf] ${VM_COUNT} VMs, ${mb} MB: full parse ${Math.round(t0 - tFull)} ms, pruned parse ` +
        `${Math.round(t1 - t0)} ms, map ${Math.round(t2 - t1)} ms (jest inflates these vs plain node)\n`,
    );
    // ~1 s on an idle 2-core runner; 20 s only catches pathological regressions (e.g. O(n^2)).
    expect(t2 - t0).toBeLessThan(20_000);
  }, 60_000);
});
