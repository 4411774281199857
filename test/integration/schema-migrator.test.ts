import { loadConfig } from '../../src/config/app-config.js';
import { GraphClient } from '../../src/graph/graph-client.js';
import { applyConstraints } from '../../src/graph/schema-migrator.js';
import { labConfig } from './support/lab.js';

// `ffo serve` and `ffo worker` start together and both apply the schema: that must never fail either of them.
describe('schema migration', () => {
  it('is safe when several processes apply it at the same time', async () => {
    labConfig();
    const clients = [0, 1, 2].map(() => new GraphClient(loadConfig().graph));
    try {
      // Make the schema rules missing again, so the three really race to create them.
      await clients[0]!.runText('DROP INDEX vm_name IF EXISTS');
      await clients[0]!.runText('DROP INDEX nic_mac IF EXISTS');
      const counts = await Promise.all(clients.map((c) => applyConstraints(c)));
      expect(new Set(counts).size).toBe(1);
      expect(counts[0]).toBeGreaterThan(20);
      const names = (await clients[0]!.runText('SHOW INDEXES YIELD name RETURN collect(name) AS names'))[0]!
        .names;
      expect(names).toEqual(expect.arrayContaining(['vm_name', 'nic_mac']));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
