import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient, Row } from '../graph/graph-client.js';

/** Datastore -> Cinder volume type, with a per-cloud default for datastores nobody mapped. */
export class StorageMapper {
  constructor(private readonly graph: GraphClient) {}

  private async volumeType(cloud: string, ref: string): Promise<Row> {
    const [vt] = await this.graph.read('volume-type-get', { cloudId: cloud, ref });
    if (!vt) throw new FfoError(ErrorCode.NOT_FOUND, `no volume type "${ref}" in cloud "${cloud}"`);
    return vt;
  }

  async map(datastoreRef: string, cloud: string, volumeTypeRef: string): Promise<Row> {
    const stores = await this.graph.read('datastore-resolve', { ref: datastoreRef });
    if (stores.length !== 1) {
      throw new FfoError(
        stores.length === 0 ? ErrorCode.NOT_FOUND : ErrorCode.BAD_INPUT,
        stores.length === 0
          ? `unknown datastore "${datastoreRef}"`
          : `"${datastoreRef}" names ${stores.length} datastores; use the id`,
      );
    }
    const vt = await this.volumeType(cloud, volumeTypeRef);
    const [row] = await this.graph.write('storage-mapping-set', {
      datastoreId: stores[0]!.id,
      volumeTypeId: vt.id,
      now: new Date().toISOString(),
    });
    return row!;
  }

  async setDefault(cloud: string, volumeTypeRef: string): Promise<Row> {
    const vt = await this.volumeType(cloud, volumeTypeRef);
    const [row] = await this.graph.write('default-volume-type-set', { cloudId: cloud, volumeTypeId: vt.id });
    return row!;
  }
}
