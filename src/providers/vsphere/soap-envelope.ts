// Builds vim25 SOAP request envelopes without a WSDL (vcsim serves none, and we only need a handful
// of methods). Values are serialised in the order given because vim25 types are xsd:sequences and
// vCenter rejects out-of-order elements.

import type { ManagedObjectReference } from './managed-object-reference.js';

export const SOAP_ENV_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const VIM25_NAMESPACE = 'urn:vim25';

/** A complex vim25 data object; `xsiType` is written when the runtime type differs from the declared one. */
export class SoapObject {
  constructor(
    readonly fields: Readonly<Record<string, SoapValue>>,
    readonly xsiType?: string,
  ) {}
}

/** A value the builder can serialise; null/undefined are omitted, arrays repeat the element. */
export type SoapValue =
  string | number | boolean | ManagedObjectReference | SoapObject | readonly SoapValue[] | null | undefined;

export function soapObject(fields: Readonly<Record<string, SoapValue>>, xsiType?: string): SoapObject {
  return new SoapObject(fields, xsiType);
}

/** Full request document for `method` invoked on `thisRef` with arguments in WSDL order. */
export function buildSoapEnvelope(
  method: string,
  thisRef: ManagedObjectReference,
  args: Readonly<Record<string, SoapValue>> = {},
): string {
  let body = serializeElement('_this', thisRef);
  for (const [name, value] of Object.entries(args)) body += serializeElement(name, value);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NAMESPACE}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="${VIM25_NAMESPACE}">${body}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}

export function serializeElement(name: string, value: SoapValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value as readonly SoapValue[]) out += serializeElement(name, item);
    return out;
  }
  if (value instanceof SoapObject) {
    const typeAttr = value.xsiType === undefined ? '' : ` xsi:type="${escapeXml(value.xsiType)}"`;
    let inner = '';
    for (const [field, fieldValue] of Object.entries(value.fields))
      inner += serializeElement(field, fieldValue);
    return `<${name}${typeAttr}>${inner}</${name}>`;
  }
  if (typeof value === 'object') {
    const ref = value as ManagedObjectReference;
    return `<${name} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${name}>`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`SOAP value for <${name}> is not a finite number`);
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

// Characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/F).
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPE_RE = /[&<>"'\r]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be normalised to LF by the server's XML parser; the reference keeps it.
  '\r': '&#13;',
};

/** Escapes text for element content and attribute values; rejects characters XML cannot encode. */
export function escapeXml(text: string): string {
  if (INVALID_XML_CHARS.test(text))
    throw new TypeError('Text contains characters that XML 1.0 cannot encode');
  return text.replace(ESCAPE_RE, (c) => ESCAPES[c]!);
}

// ---------------------------------------------------------------------------------------------------
// Typed PropertyCollector specs (vim25 field order preserved by the converters below).

export interface PropertySpec {
  type: string;
  all?: boolean;
  pathSet?: readonly string[];
}

/** Reference to a named TraversalSpec elsewhere in the same filter (for recursion). */
export interface SelectionSpec {
  name: string;
}

export interface TraversalSpec {
  name?: string;
  type: string;
  path: string;
  skip?: boolean;
  selectSet?: readonly (TraversalSpec | SelectionSpec)[];
}

export interface ObjectSpec {
  obj: ManagedObjectReference;
  skip?: boolean;
  selectSet?: readonly (TraversalSpec | SelectionSpec)[];
}

export interface PropertyFilterSpec {
  propSet: readonly PropertySpec[];
  objectSet: readonly ObjectSpec[];
  reportMissingObjectsInResults?: boolean;
}

function isTraversalSpec(spec: TraversalSpec | SelectionSpec): spec is TraversalSpec {
  return 'path' in spec;
}

function selectionToSoap(spec: TraversalSpec | SelectionSpec): SoapObject {
  if (!isTraversalSpec(spec)) return soapObject({ name: spec.name }, 'SelectionSpec');
  return soapObject(
    {
      name: spec.name,
      type: spec.type,
      path: spec.path,
      skip: spec.skip,
      selectSet: spec.selectSet?.map(selectionToSoap),
    },
    'TraversalSpec',
  );
}

export function propertyFilterSpecToSoap(spec: PropertyFilterSpec): SoapObject {
  return soapObject({
    propSet: spec.propSet.map((p) => soapObject({ type: p.type, all: p.all, pathSet: p.pathSet })),
    objectSet: spec.objectSet.map((o) =>
      soapObject({ obj: o.obj, skip: o.skip, selectSet: o.selectSet?.map(selectionToSoap) }),
    ),
    reportMissingObjectsInResults: spec.reportMissingObjectsInResults,
  });
}

/** Filter spec that walks a ContainerView's `view` property and collects `propSet` from each object. */
export function containerViewFilterSpec(
  view: ManagedObjectReference,
  propSet: readonly PropertySpec[],
): PropertyFilterSpec {
  return {
    propSet,
    objectSet: [
      {
        obj: view,
        skip: true,
        selectSet: [{ name: 'traverseView', type: 'ContainerView', path: 'view', skip: false }],
      },
    ],
  };
}

/** Filter spec for properties of one object, optionally following `selectSet` from it (e.g. up the parents). */
export function objectFilterSpec(
  obj: ManagedObjectReference,
  propSet: readonly PropertySpec[],
  selectSet?: readonly (TraversalSpec | SelectionSpec)[],
): PropertyFilterSpec {
  return { propSet, objectSet: [selectSet === undefined ? { obj } : { obj, skip: false, selectSet }] };
}
