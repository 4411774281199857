import { detectDiskTools } from '../providers/disk/disk-tools.js';
import { vddkAvailable } from '../providers/disk/nbd-source.js';
import type { EngineSettings } from './engine-settings.js';
import type { PipelineFacts } from './pipeline-selector.js';

/** What this host offers for choosing a pipeline (tools detected once, then cached). */
export function hostFactsProvider(settings: EngineSettings): () => Promise<PipelineFacts> {
  let cached: Promise<PipelineFacts> | null = null;
  return () => {
    cached ??= (async () => {
      const tools = await detectDiskTools();
      const vddk = settings.vddkLibdir ? await vddkAvailable(settings.vddkLibdir) : false;
      const mounts = [...settings.nfsMounts].map(([e, d]) => `${e} at ${d}`);
      return {
        nbdkit: tools.nbdkit !== null,
        nbdkitCurlPlugin: tools.nbdkitPlugins.includes('curl'),
        nbdcopy: tools.nbdcopy !== null,
        qemuImg: tools.qemuImg !== null,
        vddk,
        targetWritable: mounts.length > 0,
        targetWritableReason:
          mounts.length > 0
            ? `writable here (Cinder NFS export ${mounts.join(', ')})`
            : 'no Cinder export is mounted here (FFO_NFS_MOUNTS) and block attach needs a conversion host',
      };
    })();
    return cached;
  };
}
