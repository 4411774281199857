// A minimal, allocation-light XML-to-tree scanner for vim25 responses.
//
// Why it exists: fast-xml-parser 5.12 needs ~4-6 s for the ~41 MB RetrievePropertiesEx response of
// 5,000 VMs (it appends text one character at a time and keeps a path matcher per node), which alone
// breaks the ≥ 2,000 VMs/s discovery target. This scanner jumps between tags with indexOf and builds
// the exact tree shape of xml-tree.ts in one pass. It only understands what SOAP responses contain
// (elements, attributes, text, entities, the XML declaration); on anything else (comments, CDATA,
// DOCTYPE, malformed markup) it throws XmlFallbackRequired and the caller re-parses the document with
// fast-xml-parser, which remains the reference implementation (see soap-response-parser.ts).

import {
  ATTR_PREFIX,
  FORCED_ARRAY_TAGS,
  TEXT_KEY,
  XSI_TYPE_KEY,
  decodeXmlEntities,
  isXsiPrefix,
  localName,
  type XmlObject,
  type XmlValue,
} from './xml-tree.js';

/** Thrown when the document uses XML the scanner does not handle; the caller falls back. */
export class XmlFallbackRequired extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'XmlFallbackRequired';
  }
}

/** Same limit as fast-xml-parser's default maxNestedTags, so both engines reject the same documents. */
const MAX_DEPTH = 100;
/** Names fast-xml-parser rejects or renames; let it handle them so both engines agree. */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

interface Frame {
  /** Qualified name as written, to match the closing tag. */
  rawName: string;
  /** Local name used as the property key. */
  name: string;
  node: XmlObject | null;
  text: string;
  /** Number of namespace declarations this element pushed onto the scope stack. */
  nsCount: number;
}

/** Parses a whole document; returns the root object ({ Envelope: ... } for SOAP). */
export function scanXmlTree(input: string): XmlObject {
  // Line-end normalisation as XML requires; a single indexOf keeps the common case free.
  const xml = input.indexOf('\r') === -1 ? input : input.replace(/\r\n?/g, '\n');
  const len = xml.length;
  const nsPrefixes: string[] = [];
  const nsUris: string[] = [];
  const root: Frame = { rawName: '', name: '', node: {}, text: '', nsCount: 0 };
  const stack: Frame[] = [root];
  let top = root;
  let i = 0;

  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) break;
    if (lt > i && stack.length > 1) appendText(top, xml.slice(i, lt));
    const c1 = xml.charCodeAt(lt + 1);

    if (c1 === 47 /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt === -1 || stack.length === 1) throw new XmlFallbackRequired('unbalanced closing tag');
      const nameEnd = lt + 2 + top.rawName.length;
      if (!xml.startsWith(top.rawName, lt + 2) || xml.slice(nameEnd, gt).trim() !== '') {
        throw new XmlFallbackRequired('mismatched closing tag');
      }
      stack.pop();
      closeElement(top, stack[stack.length - 1]!, nsPrefixes, nsUris);
      top = stack[stack.length - 1]!;
      i = gt + 1;
      continue;
    }
    if (c1 === 63 /* ? */) {
      // XML declaration / processing instruction: fast-xml-parser is configured to drop them too.
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlFallbackRequired('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (c1 === 33 /* ! */) throw new XmlFallbackRequired('comment, CDATA or DOCTYPE');

    // Opening tag: name, then attributes, then '>' or '/>'.
    let j = lt + 1;
    while (j < len) {
      const c = xml.charCodeAt(j);
      if (c === 62 || c === 47 || c === 32 || c === 10 || c === 9 || c === 13) break;
      j++;
    }
    const rawName = xml.slice(lt + 1, j);
    if (rawName === '') throw new XmlFallbackRequired('empty tag name');
    const name = localName(rawName);
    if (RESERVED_NAMES.has(name)) throw new XmlFallbackRequired('reserved element name');

    let attrNames: string[] | null = null;
    let attrValues: string[] | null = null;
    let selfClosing = false;
    for (;;) {
      let c = xml.charCodeAt(j);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = xml.charCodeAt(++j);
      if (c === 62 /* > */) {
        j++;
        break;
      }
      if (c === 47 /* / */) {
        if (xml.charCodeAt(j + 1) !== 62) throw new XmlFallbackRequired('bad self-closing tag');
        selfClosing = true;
        j += 2;
        break;
      }
      if (Number.isNaN(c)) throw new XmlFallbackRequired('unterminated tag');
      const nameStart = j;
      while (j < len) {
        c = xml.charCodeAt(j);
        if (c === 61 || c === 32 || c === 10 || c === 9 || c === 13 || c === 62 || c === 47) break;
        j++;
      }
      const attrName = xml.slice(nameStart, j);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = xml.charCodeAt(++j);
      if (c !== 61 /* = */) throw new XmlFallbackRequired('attribute without value');
      c = xml.charCodeAt(++j);
      while (c === 32 || c === 10 || c === 9 || c === 13) c = xml.charCodeAt(++j);
      if (c !== 34 && c !== 39) throw new XmlFallbackRequired('unquoted attribute');
      const valueEnd = xml.indexOf(c === 34 ? '"' : "'", j + 1);
      if (valueEnd === -1) throw new XmlFallbackRequired('unterminated attribute');
      if (attrNames === null || attrValues === null) {
        attrNames = [];
        attrValues = [];
      }
      attrNames.push(attrName);
      attrValues.push(xml.slice(j + 1, valueEnd));
      j = valueEnd + 1;
    }

    const frame: Frame = { rawName, name, node: null, text: '', nsCount: 0 };
    if (attrNames !== null && attrValues !== null) {
      frame.node = buildAttributes(frame, attrNames, attrValues, nsPrefixes, nsUris);
    }
    if (selfClosing) {
      closeElement(frame, top, nsPrefixes, nsUris);
    } else {
      if (stack.length > MAX_DEPTH) throw new XmlFallbackRequired('nesting too deep');
      stack.push(frame);
      top = frame;
    }
    i = j;
  }
  if (stack.length !== 1) throw new XmlFallbackRequired('unclosed elements');
  return root.node ?? {};
}

function appendText(frame: Frame, raw: string): void {
  // Same semantics as fast-xml-parser with trimValues: each text run is trimmed, then decoded.
  const trimmed = raw.trim();
  if (trimmed === '') return;
  const text = decodeXmlEntities(trimmed);
  frame.text = frame.text === '' ? text : frame.text + text;
}

function closeElement(frame: Frame, parent: Frame, nsPrefixes: string[], nsUris: string[]): void {
  if (frame.nsCount > 0) {
    nsPrefixes.length -= frame.nsCount;
    nsUris.length -= frame.nsCount;
  }
  let value: XmlValue;
  if (frame.node === null) {
    value = frame.text;
  } else {
    if (frame.text !== '') frame.node[TEXT_KEY] = frame.text;
    value = frame.node;
  }
  let target = parent.node;
  if (target === null) {
    target = {};
    parent.node = target;
  }
  const name = frame.name;
  const existing = target[name];
  if (existing === undefined) {
    target[name] = FORCED_ARRAY_TAGS.has(name) ? [value] : value;
  } else if (Array.isArray(existing)) {
    existing.push(value);
  } else {
    target[name] = [existing, value];
  }
}

/** Applies namespace declarations first, then resolves xsi:type by URI. Returns null when nothing is left. */
function buildAttributes(
  frame: Frame,
  names: string[],
  values: string[],
  nsPrefixes: string[],
  nsUris: string[],
): XmlObject | null {
  let hasOther = false;
  for (let k = 0; k < names.length; k++) {
    const n = names[k]!;
    if (n === 'xmlns' || n.startsWith('xmlns:')) {
      nsPrefixes.push(n.length === 5 ? '' : n.slice(6));
      nsUris.push(decodeXmlEntities(values[k]!.trim()));
      frame.nsCount++;
    } else {
      hasOther = true;
    }
  }
  if (!hasOther) return null;
  let node: XmlObject | null = null;
  for (let k = 0; k < names.length; k++) {
    const n = names[k]!;
    if (n === 'xmlns' || n.startsWith('xmlns:')) continue;
    const value = decodeXmlEntities(values[k]!.trim());
    if (node === null) node = {};
    const colon = n.indexOf(':');
    if (colon !== -1 && n.slice(colon + 1) === 'type' && isXsiPrefix(n.slice(0, colon), nsPrefixes, nsUris)) {
      node[XSI_TYPE_KEY] = localName(value);
    } else {
      if (RESERVED_NAMES.has(n)) throw new XmlFallbackRequired('reserved attribute name');
      node[ATTR_PREFIX + n] = value;
    }
  }
  return node;
}
