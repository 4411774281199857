/** Roles in increasing power; each role can do everything the ones before it can. */
export const ROLES = ['analyst', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

export function highestRole(roles: readonly string[]): Role | null {
  let best = -1;
  for (const role of roles) best = Math.max(best, ROLES.indexOf(role as Role));
  return best >= 0 ? ROLES[best]! : null;
}

export function satisfies(roles: readonly string[], required: Role): boolean {
  const best = highestRole(roles);
  return best !== null && ROLES.indexOf(best) >= ROLES.indexOf(required);
}
