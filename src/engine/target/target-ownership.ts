// How the engine marks what it creates on the target cloud: a deterministic name per resource and the
// ffo_migration=<id> key (metadata on volumes/servers, a tag on ports and images). A retry after a crash
// finds its own resources by them; a rollback removes exactly those and nothing else.

/** Metadata/property key naming the migration a resource belongs to. */
export const MIGRATION_KEY = 'ffo_migration';

/** Metadata every resource of a migration carries; more keys may ride along. */
export type OwnedMetadata = { [MIGRATION_KEY]: string } & Record<string, string>;

/** `ffo-<migrationId>-<kind>-<key>`, e.g. ffo-m42-disk-2000 (Nova and Cinder allow 255 characters). */
export function resourceName(migrationId: string, kind: string, key: string | number): string {
  return `${namePrefix(migrationId)}${kind}-${key}`;
}

/** The prefix every resource name of a migration starts with. */
export function namePrefix(migrationId: string): string {
  return `ffo-${migrationId}-`;
}

export function ownerMetadata(migrationId: string): OwnedMetadata {
  return { [MIGRATION_KEY]: migrationId };
}

/** The tag form of the owner (Neutron and Glance tags are plain strings). */
export function ownerTag(migrationId: string): string {
  return `${MIGRATION_KEY}=${migrationId}`;
}

/** Tags for key/value metadata (`k=v`), the owner first. */
export function metadataTags(metadata: OwnedMetadata): string[] {
  const owner = ownerTag(metadata[MIGRATION_KEY]);
  const rest = Object.entries(metadata)
    .filter(([k]) => k !== MIGRATION_KEY)
    .map(([k, v]) => `${k}=${v}`);
  return [owner, ...rest];
}

/** Whether metadata, tags or the name say the resource belongs to the migration. */
export function isOwnedBy(
  resource: { name?: string | null; metadata?: Record<string, string>; tags?: string[] },
  migrationId: string,
): boolean {
  if (resource.metadata?.[MIGRATION_KEY] === migrationId) return true;
  if (resource.tags?.includes(ownerTag(migrationId)) === true) return true;
  return typeof resource.name === 'string' && resource.name.startsWith(namePrefix(migrationId));
}
