// A minimal, allocation-light XML-to-tree scanner for vim25 responses.
//
// Why it exists: fast-xml-parser 5.12 needs ~4-6 s for the ~41 MB RetrievePropertiesEx response of
// 5,000 VMs (it appends text one character at a time and keeps a path matcher per node), which alone
// breaks the ≥ 2,000 VMs/s discovery target; this scanner needs ~0.7 s (~0.5 s with device pruning). This scanner jumps between tags with indexOf and builds
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

/** Size of the per-document caches that reuse name and short-value strings (power of two). */
const CACHE_SIZE = 4096;
/** Text values up to this length are looked up in the cache instead of being sliced anew. */
const SHORT_TEXT = 24;

/**
 * Reuses one string per distinct short token (tag names, attribute names and values, "false",
 * "persistent", ...). A 41 MB response has ~0.9 M elements but a few hundred distinct names;
 * reusing strings avoids allocations and keeps property keys internalised, which cuts GC time.
 * Collisions just overwrite the slot; correctness never depends on a hit.
 */
class TokenCache {
  private readonly raw: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);
  /** Local part after the prefix ("XMLSchema-instance:type" -> "type"), filled on insertion. */
  readonly local: string[] = new Array<string>(CACHE_SIZE).fill('');
  /** Prefix before the colon, '' when none. */
  readonly prefix: string[] = new Array<string>(CACHE_SIZE).fill('');
  /** '@' + raw: the attribute key, built once per distinct name. */
  readonly attrKey: string[] = new Array<string>(CACHE_SIZE).fill('');

  /**
   * `forNames`: tokens become property keys, so fill local/prefix/attrKey and reject the names
   * fast-xml-parser rejects or renames. Value caches skip that work.
   */
  constructor(private readonly forNames: boolean) {}

  /** Returns the slot of the token; read the token itself with tokenAt(slot). */
  slot(xml: string, start: number, end: number): number {
    const len = end - start;
    const h =
      (len * 977 +
        xml.charCodeAt(start) * 31 +
        xml.charCodeAt(end - 1) * 7 +
        xml.charCodeAt(start + (len >> 1))) &
      (CACHE_SIZE - 1);
    const cached = this.raw[h];
    if (cached !== undefined && cached.length === len && xml.startsWith(cached, start)) return h;
    const fresh = xml.slice(start, end);
    this.raw[h] = fresh;
    if (this.forNames) {
      const colon = fresh.indexOf(':');
      const local = colon === -1 ? fresh : fresh.slice(colon + 1);
      if (RESERVED_NAMES.has(local) || RESERVED_NAMES.has(fresh)) {
        this.raw[h] = undefined;
        throw new XmlFallbackRequired('reserved name');
      }
      this.local[h] = local;
      this.prefix[h] = colon === -1 ? '' : fresh.slice(0, colon);
      this.attrKey[h] = ATTR_PREFIX + fresh;
    }
    return h;
  }

  tokenAt(slot: number): string {
    return this.raw[slot]!;
  }

  get(xml: string, start: number, end: number): string {
    return this.raw[this.slot(xml, start, end)]!;
  }
}

/**
 * Decides, per element that carries an xsi:type, whether to leave it (and its subtree) out of the
 * tree. Lets discovery skip device kinds it never reads (keyboards, video cards...), which are a third
 * of a RetrievePropertiesEx response for VMs.
 */
export type PrunePredicate = (localName: string, xsiType: string) => boolean;

/** Parses a whole document; returns the root object ({ Envelope: ... } for SOAP). */
export function scanXmlTree(input: string, prune?: PrunePredicate): XmlObject {
  // Line-end normalisation as XML requires; a single indexOf keeps the common case free.
  const xml = input.indexOf('\r') === -1 ? input : input.replace(/\r\n?/g, '\n');
  const len = xml.length;
  const names = new TokenCache(true);
  const values = new TokenCache(false);
  const ns: NamespaceScope = { prefixes: [], uris: [] };
  // The element stack as parallel arrays: no per-element frame objects.
  const rawNames: string[] = [''];
  const localNames: string[] = [''];
  const nodes: (XmlObject | null)[] = [{}];
  const texts: string[] = [''];
  const nsCounts: number[] = [0];
  const attrSlots: number[] = [];
  const attrValues: string[] = [];
  let depth = 0;
  let i = 0;

  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) break;
    if (lt > i && depth > 0) {
      const text = readText(xml, i, lt, values);
      if (text !== '') texts[depth] = texts[depth] === '' ? text : texts[depth] + text;
    }
    const c1 = xml.charCodeAt(lt + 1);

    if (c1 === 47 /* / */) {
      if (depth === 0) throw new XmlFallbackRequired('unbalanced closing tag');
      const rawName = rawNames[depth]!;
      let gt = lt + 2 + rawName.length;
      if (!xml.startsWith(rawName, lt + 2)) throw new XmlFallbackRequired('mismatched closing tag');
      let c = xml.charCodeAt(gt);
      while (c === 32 || c === 10 || c === 9) c = xml.charCodeAt(++gt);
      if (c !== 62) throw new XmlFallbackRequired('mismatched closing tag');
      if (nsCounts[depth]! > 0) {
        ns.prefixes.length -= nsCounts[depth]!;
        ns.uris.length -= nsCounts[depth]!;
      }
      const node = nodes[depth]!;
      const text = texts[depth]!;
      let value: XmlValue;
      if (node === null) {
        value = text;
      } else {
        if (text !== '') node[TEXT_KEY] = text;
        value = node;
      }
      depth--;
      attach(nodes, depth, localNames[depth + 1]!, value);
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
    let c = xml.charCodeAt(j);
    while (c !== 62 && c !== 47 && c !== 32 && c !== 10 && c !== 9 && c === c) c = xml.charCodeAt(++j);
    if (j === lt + 1) throw new XmlFallbackRequired('empty tag name');
    const nameSlot = names.slot(xml, lt + 1, j);
    const rawName = names.tokenAt(nameSlot);
    const name = names.local[nameSlot]!;

    let attrCount = 0;
    let selfClosing = false;
    for (;;) {
      while (c === 32 || c === 10 || c === 9) c = xml.charCodeAt(++j);
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
      if (c !== c /* NaN: end of input */) throw new XmlFallbackRequired('unterminated tag');
      const nameStart = j;
      while (c !== 61 && c !== 32 && c !== 10 && c !== 9 && c !== 62 && c !== 47 && c === c)
        c = xml.charCodeAt(++j);
      const attrSlot = names.slot(xml, nameStart, j);
      while (c === 32 || c === 10 || c === 9) c = xml.charCodeAt(++j);
      if (c !== 61 /* = */) throw new XmlFallbackRequired('attribute without value');
      c = xml.charCodeAt(++j);
      while (c === 32 || c === 10 || c === 9) c = xml.charCodeAt(++j);
      if (c !== 34 && c !== 39) throw new XmlFallbackRequired('unquoted attribute');
      const valueEnd = xml.indexOf(c === 34 ? '"' : "'", j + 1);
      if (valueEnd === -1) throw new XmlFallbackRequired('unterminated attribute');
      attrSlots[attrCount] = attrSlot;
      attrValues[attrCount] = readText(xml, j + 1, valueEnd, values);
      attrCount++;
      j = valueEnd + 1;
      c = xml.charCodeAt(j);
    }

    let nsCount = 0;
    let node: XmlObject | null = null;
    if (attrCount > 0) {
      const before = ns.prefixes.length;
      node = buildAttributes(names, attrSlots, attrValues, attrCount, ns);
      nsCount = ns.prefixes.length - before;
    }
    if (prune !== undefined && node !== null) {
      const type = node[XSI_TYPE_KEY];
      if (typeof type === 'string' && prune(name, type)) {
        if (nsCount > 0) {
          ns.prefixes.length -= nsCount;
          ns.uris.length -= nsCount;
        }
        i = selfClosing ? j : skipElement(xml, j, rawName);
        continue;
      }
    }
    if (selfClosing) {
      if (nsCount > 0) {
        ns.prefixes.length -= nsCount;
        ns.uris.length -= nsCount;
      }
      attach(nodes, depth, name, node ?? '');
    } else {
      if (depth >= MAX_DEPTH) throw new XmlFallbackRequired('nesting too deep');
      depth++;
      rawNames[depth] = rawName;
      localNames[depth] = name;
      nodes[depth] = node;
      texts[depth] = '';
      nsCounts[depth] = nsCount;
    }
    i = j;
  }
  if (depth !== 0) throw new XmlFallbackRequired('unclosed elements');
  return nodes[0] ?? {};
}

/** Index just after the close tag matching an element opened before `from`, honouring nesting. */
function skipElement(xml: string, from: number, rawName: string): number {
  const open = '<' + rawName;
  const close = '</' + rawName;
  let depth = 1;
  let pos = from;
  while (depth > 0) {
    const nextClose = xml.indexOf(close, pos);
    if (nextClose === -1) throw new XmlFallbackRequired('unterminated pruned element');
    // Count same-name elements opened before that close tag (rare; VirtualDevice never nests).
    let nextOpen = xml.indexOf(open, pos);
    while (nextOpen !== -1 && nextOpen < nextClose) {
      const c = xml.charCodeAt(nextOpen + open.length);
      if (c === 62 || c === 32 || c === 10 || c === 9 || c === 13) {
        const gt = xml.indexOf('>', nextOpen);
        if (xml.charCodeAt(gt - 1) !== 47 /* self-closing */) depth++;
      }
      nextOpen = xml.indexOf(open, nextOpen + open.length);
    }
    const gt = xml.indexOf('>', nextClose);
    if (gt === -1) throw new XmlFallbackRequired('unterminated pruned element');
    const c = xml.charCodeAt(nextClose + close.length);
    if (c === 62 || c === 32 || c === 10 || c === 9 || c === 13) depth--;
    pos = gt + 1;
  }
  return pos;
}

interface NamespaceScope {
  prefixes: string[];
  uris: string[];
}

/**
 * Text between i and end with fast-xml-parser's trimValues semantics (trim, then decode entities).
 * Short entity-free runs come from the token cache.
 */
function readText(xml: string, start: number, end: number, cache: TokenCache): string {
  let s = start;
  let e = end;
  while (s < e && isSpace(xml.charCodeAt(s))) s++;
  while (e > s && isSpace(xml.charCodeAt(e - 1))) e--;
  if (s === e) return '';
  if (e - s <= SHORT_TEXT) {
    let k = s;
    while (k < e && xml.charCodeAt(k) !== 38 /* & */) k++;
    if (k === e) return cache.get(xml, s, e);
  }
  return decodeXmlEntities(xml.slice(s, e));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function attach(nodes: (XmlObject | null)[], depth: number, name: string, value: XmlValue): void {
  let target = nodes[depth]!;
  if (target === null) {
    target = {};
    nodes[depth] = target;
  }
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
  names: TokenCache,
  slots: number[],
  values: string[],
  count: number,
  ns: NamespaceScope,
): XmlObject | null {
  let hasOther = false;
  for (let k = 0; k < count; k++) {
    const slot = slots[k]!;
    const prefix = names.prefix[slot]!;
    if (prefix === 'xmlns') {
      ns.prefixes.push(names.local[slot]!);
      ns.uris.push(values[k]!);
    } else if (prefix === '' && names.local[slot] === 'xmlns') {
      ns.prefixes.push('');
      ns.uris.push(values[k]!);
    } else {
      hasOther = true;
    }
  }
  if (!hasOther) return null;
  const node: XmlObject = {};
  for (let k = 0; k < count; k++) {
    const slot = slots[k]!;
    const prefix = names.prefix[slot]!;
    const local = names.local[slot]!;
    if (prefix === 'xmlns' || (prefix === '' && local === 'xmlns')) continue;
    if (prefix !== '' && local === 'type' && isXsiPrefix(prefix, ns.prefixes, ns.uris)) {
      node[XSI_TYPE_KEY] = localName(values[k]!);
    } else {
      node[names.attrKey[slot]!] = values[k]!;
    }
  }
  return node;
}
