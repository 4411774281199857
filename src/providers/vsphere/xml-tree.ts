// The plain-object tree both XML engines produce for a vim25 response, plus small typed accessors.
//
// Shape (identical for the fast scanner and fast-xml-parser; a differential test guards that):
// - an element without attributes whose content is only text becomes a string ('' when empty);
// - any other element becomes an object: children by LOCAL name (prefixes dropped), attributes as
//   '@name', text as '#text';
// - a child name that repeats becomes an array; names in FORCED_ARRAY_TAGS are always arrays;
// - the xsi:type attribute is resolved by namespace URI (vcsim writes `XMLSchema-instance:type`,
//   vCenter writes `xsi:type`) and stored under '#xsiType' (a key no XML attribute can produce) as the local type name ("VirtualDisk",
//   "string" for "xsd:string"); xmlns declarations are dropped.
// Values are never converted: numbers and booleans stay strings until a reader asks for them.

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const ATTR_PREFIX = '@';
export const TEXT_KEY = '#text';
export const XSI_TYPE_KEY = '#xsiType';

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue | undefined;
}

/**
 * Element names vim25 declares as arrays. Forcing them keeps "one element" and "many elements" the
 * same shape, so readers never branch on cardinality. Readers still go through asArray() because a
 * name can be an array in one type and a scalar in another.
 */
export const FORCED_ARRAY_TAGS: ReadonlySet<string> = new Set([
  // PropertyCollector results
  'objects',
  'propSet',
  'missingSet',
  'changeSet',
  'objectSet',
  'filterSet',
  'pathSet',
  // ArrayOfXxx wrappers vim25 uses inside <val>
  'ManagedObjectReference',
  'VirtualDevice',
  'HostPortGroup',
  'string',
  'int',
  'long',
  // array-typed fields we read
  'device', // VirtualController.device: int[]
  'portgroup', // HostNetworkInfo.portgroup
  'changedArea', // DiskChangeInfo.changedArea
]);

/** Decodes the five XML entities and numeric character references (Go's encoder writes &#39; &#xA;). */
export function decodeXmlEntities(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(ENTITY_RE, decodeEntity);
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntity(match: string, body: string): string {
  if (body.charCodeAt(0) !== 35 /* # */) return NAMED_ENTITIES[body] ?? match;
  const code = body.charCodeAt(1) === 120 /* x */ ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  // Invalid code points stay as written rather than throwing on a hostile or broken document.
  return code >= 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
    ? String.fromCodePoint(code)
    : match;
}

/** Local part of a QName ("xsd:string" -> "string"). */
export function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

/** Innermost declaration wins; an undeclared "xsi" prefix is accepted, as every SOAP toolkit does. */
export function isXsiPrefix(
  prefix: string,
  nsPrefixes: readonly string[],
  nsUris: readonly string[],
): boolean {
  for (let k = nsPrefixes.length - 1; k >= 0; k--) {
    if (nsPrefixes[k] === prefix) return nsUris[k] === XSI_NAMESPACE;
  }
  return prefix === 'xsi';
}

export function isXmlObject(value: XmlValue | undefined | null): value is XmlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Always an array: undefined/'' -> [], scalar -> [scalar]. */
export function asArray(value: XmlValue | undefined | null): XmlValue[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  return [value];
}

/** First element of a possibly forced array. */
export function firstOf(value: XmlValue | undefined | null): XmlValue | undefined {
  if (Array.isArray(value)) return value[0];
  return value ?? undefined;
}

/** Child element (first occurrence) of an object node. */
export function childOf(node: XmlValue | undefined | null, name: string): XmlValue | undefined {
  const n = firstOf(node);
  return isXmlObject(n) ? firstOf(n[name]) : undefined;
}

/** Follows a dotted path of child names ("backing.datastore"). */
export function pathOf(node: XmlValue | undefined | null, path: readonly string[]): XmlValue | undefined {
  let current: XmlValue | undefined = firstOf(node);
  for (const name of path) {
    if (!isXmlObject(current)) return undefined;
    current = firstOf(current[name]);
  }
  return current;
}

/** Text content of a node: strings as they are, objects by '#text'; null when absent. */
export function textOf(node: XmlValue | undefined | null): string | null {
  const n = firstOf(node);
  if (n === undefined || n === null) return null;
  if (typeof n === 'string') return n;
  if (Array.isArray(n)) return null;
  const text = n[TEXT_KEY];
  return typeof text === 'string' ? text : '';
}

/** Text that is null when absent or empty (vim25 sends "" for unset optional strings in places). */
export function nonEmptyTextOf(node: XmlValue | undefined | null): string | null {
  const text = textOf(node);
  return text === null || text === '' ? null : text;
}

export function numberOf(node: XmlValue | undefined | null): number | null {
  const text = textOf(node);
  if (text === null || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function booleanOf(node: XmlValue | undefined | null): boolean | null {
  const text = textOf(node);
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return null;
}

/** Resolved xsi:type local name of a node, or null. */
export function xsiTypeOf(node: XmlValue | undefined | null): string | null {
  const n = firstOf(node);
  if (!isXmlObject(n)) return null;
  const t = n[XSI_TYPE_KEY];
  return typeof t === 'string' ? t : null;
}

export function attrOf(node: XmlValue | undefined | null, name: string): string | null {
  const n = firstOf(node);
  if (!isXmlObject(n)) return null;
  const v = n[ATTR_PREFIX + name];
  return typeof v === 'string' ? v : null;
}
