// Turns a vim25 SOAP response into the xml-tree.ts shape, or into the project's vSphere errors.
//
// Two engines produce the same tree:
// - 'fast' (default): fast-xml-scanner.ts, one indexOf-driven pass; falls back to fast-xml-parser for
//   documents it does not handle (comments, CDATA, DOCTYPE, malformed markup);
// - 'fast-xml-parser': fast-xml-parser v5, configured to keep values as strings and to resolve
//   xsi:type by namespace URI through its updateTag hook.
// fast-xml-parser is the reference; unit tests compare both engines on every fixture.

import { XMLParser, type MatcherView } from 'fast-xml-parser';
import {
  VSphereFaultError,
  VSphereLoginError,
  VSphereNotAuthenticatedError,
  VSphereProtocolError,
} from '../../errors/vsphere-errors.js';
import { XmlFallbackRequired, scanXmlTree, type PrunePredicate } from './fast-xml-scanner.js';
import {
  ATTR_PREFIX,
  FORCED_ARRAY_TAGS,
  TEXT_KEY,
  XSI_TYPE_KEY,
  decodeXmlEntities,
  isXmlObject,
  isXsiPrefix,
  localName,
  textOf,
  xsiTypeOf,
  type XmlObject,
  type XmlValue,
} from './xml-tree.js';

export type XmlEngine = 'fast' | 'fast-xml-parser';
export type { PrunePredicate } from './fast-xml-scanner.js';

export interface ParseOptions {
  /** Default 'fast'. */
  engine?: XmlEngine;
  /** Leaves matching xsi:typed elements out of the tree (both engines honour it). */
  prune?: PrunePredicate;
}

export interface ParsedDocument {
  root: XmlObject;
  /** The engine that actually produced the tree ('fast' may have fallen back). */
  engine: XmlEngine;
}

/** Parses a whole XML document into the xml-tree.ts shape. */
export function parseXmlDocument(xml: string, options: ParseOptions = {}): ParsedDocument {
  if ((options.engine ?? 'fast') === 'fast') {
    try {
      return { root: scanXmlTree(xml, options.prune), engine: 'fast' };
    } catch (error) {
      if (!(error instanceof XmlFallbackRequired)) throw error;
    }
  }
  try {
    return { root: parseWithFastXmlParser(xml, options.prune), engine: 'fast-xml-parser' };
  } catch (error) {
    throw new VSphereProtocolError(`Unparseable XML response: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Extracts `<{method}Response><returnval>` from a SOAP response body, or throws the mapped fault.
 * Returns undefined for methods without a return value (Logout, DestroyView).
 */
export function parseSoapResponse(
  xml: string,
  method: string,
  options: ParseOptions = {},
): XmlValue | undefined {
  const { root } = parseXmlDocument(xml, options);
  const body = bodyOf(root);
  if (body === undefined) throw new VSphereProtocolError(`${method}: response is not a SOAP envelope`);
  const fault = body['Fault'];
  if (fault !== undefined) throw faultToError(fault, method);
  const response = body[`${method}Response`];
  if (response === undefined) {
    throw new VSphereProtocolError(`${method}: SOAP body has no ${method}Response element`);
  }
  return isXmlObject(response) ? response['returnval'] : undefined;
}

function bodyOf(root: XmlObject): XmlObject | undefined {
  const envelope = root['Envelope'];
  if (!isXmlObject(envelope)) return undefined;
  const body = envelope['Body'];
  if (isXmlObject(body)) return body;
  // <soapenv:Body/> parses as '' - a valid but empty body.
  return body === '' ? {} : undefined;
}

/** Everything a caller may want to branch on from a SOAP fault, independent of error classes. */
export interface SoapFaultInfo {
  /** vim25 fault class: the detail element's xsi:type, else its name without "Fault", else faultcode. */
  faultType: string;
  faultCode: string | null;
  message: string;
  /** Scalar fields of the fault detail (e.g. invalidProperty, method, obj), for diagnostics. */
  detail: Record<string, string>;
}

export function readSoapFault(fault: XmlValue): SoapFaultInfo {
  const f = isXmlObject(fault) ? fault : {};
  const faultCode = textOf(f['faultcode']);
  const faultString = textOf(f['faultstring']) ?? '';
  let faultType: string | null = null;
  const detail: Record<string, string> = {};
  const detailNode = f['detail'];
  if (isXmlObject(detailNode)) {
    for (const key of Object.keys(detailNode)) {
      if (key.startsWith(ATTR_PREFIX) || key.startsWith('#')) continue;
      const el = detailNode[key];
      faultType = xsiTypeOf(el) ?? (key.endsWith('Fault') && key.length > 5 ? key.slice(0, -5) : key);
      collectScalars(Array.isArray(el) ? el[0] : el, detail);
      break;
    }
  }
  faultType ??= faultCode !== null && faultCode !== '' ? localName(faultCode) : 'UnknownFault';
  const message = faultString !== '' ? faultString : `${faultType} fault`;
  return { faultType, faultCode, message, detail };
}

function collectScalars(node: XmlValue | undefined, out: Record<string, string>): void {
  if (!isXmlObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    // Skip attributes, '#text' and '#xsiType'; cap the size of what ends up in error details.
    if (key.startsWith(ATTR_PREFIX) || key.startsWith('#') || Object.keys(out).length >= 16) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
    else if (isXmlObject(first) && typeof first[TEXT_KEY] === 'string') {
      const type = first[ATTR_PREFIX + 'type'];
      out[key] = typeof type === 'string' ? `${type}:${first[TEXT_KEY]}` : first[TEXT_KEY];
    }
  }
}

/** Maps a SOAP fault to the project's error classes. */
export function faultToError(
  fault: XmlValue,
  method: string,
): VSphereFaultError | VSphereLoginError | VSphereNotAuthenticatedError {
  const info = readSoapFault(fault);
  const details = { method, faultType: info.faultType, faultCode: info.faultCode, faultDetail: info.detail };
  const message = `${method}: ${info.message}`;
  if (info.faultType === 'InvalidLogin') return new VSphereLoginError(message, { details });
  if (info.faultType === 'NotAuthenticated') return new VSphereNotAuthenticatedError(message, { details });
  return new VSphereFaultError(info.faultType, message, { details });
}

// ---------------------------------------------------------------------------------------------------
// fast-xml-parser engine

/** Per-parse state of the updateTag hook; parse() is synchronous, so one module-level instance is fine. */
const fxpNamespaces = { prefixes: [] as string[], uris: [] as string[], depths: [] as number[] };
let fxpPrune: PrunePredicate | undefined;

const fxp = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  textNodeName: TEXT_KEY,
  // Keep prefixes on attributes (needed to resolve xsi:type by URI); strip them from tag names.
  removeNSPrefix: false,
  transformTagName: (name) => localName(name),
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: false,
  processEntities: true,
  // Own decoder: numeric references (Go writes &#39; and &#xA;) without enabling HTML entities;
  // DOCTYPE-declared entities are ignored, which also rules out entity-expansion attacks.
  entityDecoder: {
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    reset: () => undefined,
    decode: decodeXmlEntities,
    setXmlVersion: () => undefined,
  },
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && FORCED_ARRAY_TAGS.has(name),
  updateTag: (tagName, matcher, attrs) => {
    normalizeFxpAttributes((matcher as MatcherView).getDepth(), attrs);
    // false drops the element; fast-xml-parser then builds its subtree into a detached node.
    const type = attrs[XSI_TYPE_KEY];
    return fxpPrune !== undefined && typeof type === 'string' && fxpPrune(tagName, type) ? false : tagName;
  },
});

/**
 * Called for every element in document order with its depth. A declaration made at depth d is in
 * scope for later elements deeper than d until an element at depth <= d shows up, so popping by
 * depth reproduces XML scoping without close-tag events.
 */
function normalizeFxpAttributes(depth: number, attrs: Record<string, string>): void {
  const ns = fxpNamespaces;
  while (ns.depths.length > 0 && ns.depths[ns.depths.length - 1]! >= depth) {
    ns.depths.pop();
    ns.prefixes.pop();
    ns.uris.pop();
  }
  let other: string[] | null = null;
  for (const key in attrs) {
    const name = key.slice(ATTR_PREFIX.length);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      ns.prefixes.push(name.length === 5 ? '' : name.slice(6));
      ns.uris.push(String(attrs[key]));
      ns.depths.push(depth);
      delete attrs[key];
    } else {
      (other ??= []).push(key);
    }
  }
  if (other === null) return;
  for (const key of other) {
    const name = key.slice(ATTR_PREFIX.length);
    const colon = name.indexOf(':');
    if (
      colon !== -1 &&
      name.slice(colon + 1) === 'type' &&
      isXsiPrefix(name.slice(0, colon), ns.prefixes, ns.uris)
    ) {
      const value = String(attrs[key]);
      delete attrs[key];
      attrs[XSI_TYPE_KEY] = localName(value);
    }
  }
}

function parseWithFastXmlParser(xml: string, prune: PrunePredicate | undefined): XmlObject {
  fxpPrune = prune;
  fxpNamespaces.prefixes.length = 0;
  fxpNamespaces.uris.length = 0;
  fxpNamespaces.depths.length = 0;
  const result: unknown = fxp.parse(xml);
  return isXmlObject(result as XmlValue) ? (result as XmlObject) : {};
}
