// vim25 ManagedObjectReference: the (type, moid) pair every vSphere API call addresses.

import { ATTR_PREFIX, TEXT_KEY, firstOf, isXmlObject, type XmlValue } from './xml-tree.js';

export interface ManagedObjectReference {
  /** Managed object type, e.g. "VirtualMachine". */
  readonly type: string;
  /** Managed object id (moid), e.g. "vm-42". */
  readonly value: string;
}

export function moRef(type: string, value: string): ManagedObjectReference {
  return { type, value };
}

/** Reads `<x type="T">id</x>` from the parsed tree; null when absent or not a reference. */
export function moRefOf(node: XmlValue | undefined | null): ManagedObjectReference | null {
  const n = firstOf(node);
  if (!isXmlObject(n)) return null;
  const type = n[ATTR_PREFIX + 'type'];
  const value = n[TEXT_KEY];
  if (typeof type !== 'string' || typeof value !== 'string' || value === '') return null;
  return { type, value };
}

/** Every reference in an ArrayOfManagedObjectReference value. */
export function moRefsOf(node: XmlValue | undefined | null): ManagedObjectReference[] {
  const n = firstOf(node);
  if (!isXmlObject(n)) return [];
  const items = n['ManagedObjectReference'];
  const out: ManagedObjectReference[] = [];
  for (const item of Array.isArray(items) ? items : items === undefined ? [] : [items]) {
    const ref = moRefOf(item);
    if (ref !== null) out.push(ref);
  }
  return out;
}
