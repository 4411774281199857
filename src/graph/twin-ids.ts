// Twin identity: "<vCenter instanceUuid>/<moid>", never a display name (names are neither unique nor stable).
export const sourceId = (vcenterId: string, moid: string): string => `${vcenterId}/${moid}`;
export const diskId = (vcenterId: string, vmMoid: string, key: number): string =>
  `${vcenterId}/${vmMoid}/disk/${key}`;
export const nicId = (vcenterId: string, vmMoid: string, key: number): string =>
  `${vcenterId}/${vmMoid}/nic/${key}`;
