// Typed view of a PropertyCollector RetrieveResult (RetrievePropertiesEx / ContinueRetrievePropertiesEx).
// Property values stay parsed XML (xml-tree.ts) because their vim25 type depends on the path.

import { moRefOf, type ManagedObjectReference } from './managed-object-reference.js';
import {
  asArray,
  childOf,
  isXmlObject,
  nonEmptyTextOf,
  textOf,
  xsiTypeOf,
  type XmlValue,
} from './xml-tree.js';

export interface DynamicProperty {
  /** Property path as requested, e.g. "config.hardware.device". */
  name: string;
  val: XmlValue;
}

/** A requested property the server could not read (vCenter reports it instead of failing the call). */
export interface MissingProperty {
  path: string;
  /** vim25 fault class, e.g. "NoPermission" or "InvalidProperty". */
  faultType: string | null;
  message: string | null;
}

export interface ObjectContent {
  obj: ManagedObjectReference;
  propSet: DynamicProperty[];
  missingSet: MissingProperty[];
}

export interface RetrieveResult {
  /** Set when more pages are waiting: pass to ContinueRetrievePropertiesEx. */
  token: string | null;
  objects: ObjectContent[];
}

/** Converts the `returnval` of RetrievePropertiesEx; an absent returnval means "no objects". */
export function parseRetrieveResult(returnval: XmlValue | undefined): RetrieveResult {
  if (!isXmlObject(returnval)) return { token: null, objects: [] };
  const objects: ObjectContent[] = [];
  for (const item of asArray(returnval['objects'])) {
    if (!isXmlObject(item)) continue;
    const obj = moRefOf(item['obj']);
    if (obj === null) continue;
    const propSet: DynamicProperty[] = [];
    for (const prop of asArray(item['propSet'])) {
      if (!isXmlObject(prop)) continue;
      const name = textOf(prop['name']);
      if (name === null) continue;
      propSet.push({ name, val: prop['val'] ?? '' });
    }
    const missingSet: MissingProperty[] = [];
    for (const missing of asArray(item['missingSet'])) {
      const path = textOf(childOf(missing, 'path'));
      if (path === null) continue;
      const fault = childOf(missing, 'fault');
      missingSet.push({
        path,
        faultType: xsiTypeOf(childOf(fault, 'fault')),
        message: nonEmptyTextOf(childOf(fault, 'localizedMessage')),
      });
    }
    objects.push({ obj, propSet, missingSet });
  }
  return { token: nonEmptyTextOf(returnval['token']), objects };
}
