import { describe, expect, it } from '@jest/globals';
import { moRef } from '../../../src/providers/vsphere/managed-object-reference.js';
import {
  buildSoapEnvelope,
  containerViewFilterSpec,
  escapeXml,
  propertyFilterSpecToSoap,
  serializeElement,
  soapObject,
} from '../../../src/providers/vsphere/soap-envelope.js';
import { parseXmlDocument } from '../../../src/providers/vsphere/soap-response-parser.js';
import { isXmlObject, type XmlObject } from '../../../src/providers/vsphere/xml-tree.js';

function bodyOf(xml: string): XmlObject {
  const { root } = parseXmlDocument(xml);
  const envelope = root['Envelope'];
  if (!isXmlObject(envelope) || !isXmlObject(envelope['Body'])) throw new Error('no body');
  return envelope['Body'];
}

describe('buildSoapEnvelope', () => {
  it('wraps the method in a SOAP 1.1 envelope with the vim25 namespace and _this first', () => {
    const xml = buildSoapEnvelope('RetrieveServiceContent', moRef('ServiceInstance', 'ServiceInstance'));
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        '<soapenv:Body><RetrieveServiceContent xmlns="urn:vim25">' +
        '<_this type="ServiceInstance">ServiceInstance</_this>' +
        '</RetrieveServiceContent></soapenv:Body></soapenv:Envelope>',
    );
  });

  it('serialises arguments in the given order, repeats arrays and omits null/undefined', () => {
    const xml = buildSoapEnvelope('CreateContainerView', moRef('ViewManager', 'ViewManager'), {
      container: moRef('Folder', 'group-d1'),
      type: ['VirtualMachine', 'HostSystem'],
      recursive: true,
      skipped: undefined,
      alsoSkipped: null,
    });
    expect(xml).toContain(
      '<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this>' +
        '<container type="Folder">group-d1</container><type>VirtualMachine</type><type>HostSystem</type>' +
        '<recursive>true</recursive></CreateContainerView>',
    );
    expect(xml).not.toContain('skipped');
  });

  it('escapes text and attribute values (passwords, moids with brackets)', () => {
    const xml = buildSoapEnvelope('Login', moRef('SessionManager', 'SessionManager'), {
      userName: 'admin@vsphere.local',
      password: `p<&>'"w\r`,
    });
    expect(xml).toContain('<password>p&lt;&amp;&gt;&apos;&quot;w&#13;</password>');
    const body = bodyOf(xml);
    // Round trip through our own parser: the server sees exactly the original text (CR included).
    const login = body['Login'] as XmlObject;
    expect(login['password']).toBe(`p<&>'"w\r`);
    expect(serializeElement('obj', moRef('Contain"erView', 'session[1]a&b'))).toBe(
      '<obj type="Contain&quot;erView">session[1]a&amp;b</obj>',
    );
  });

  it('rejects characters XML 1.0 cannot carry and non-finite numbers', () => {
    expect(() => escapeXml('bad\u0001char')).toThrow(TypeError);
    expect(() => escapeXml('lone \ud800 surrogate')).toThrow(TypeError);
    expect(escapeXml('emoji 😀 ok\tand\nlines')).toBe('emoji 😀 ok\tand\nlines');
    expect(() => serializeElement('maxObjects', Number.NaN)).toThrow(TypeError);
  });

  it('writes xsi:type for typed nested objects', () => {
    expect(serializeElement('spec', soapObject({ a: 1, b: soapObject({ c: 'x' }, 'Inner') }, 'Outer'))).toBe(
      '<spec xsi:type="Outer"><a>1</a><b xsi:type="Inner"><c>x</c></b></spec>',
    );
  });
});

describe('PropertyFilterSpec builder', () => {
  it('builds a ContainerView traversal with TraversalSpec xsi:type and vim25 field order', () => {
    const spec = containerViewFilterSpec(moRef('ContainerView', 'session[abc]42'), [
      { type: 'VirtualMachine', pathSet: ['name', 'config.hardware.device'] },
      { type: 'HostSystem', all: false, pathSet: ['name'] },
    ]);
    const xml = serializeElement('specSet', propertyFilterSpecToSoap(spec));
    expect(xml).toBe(
      '<specSet>' +
        '<propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>config.hardware.device</pathSet></propSet>' +
        '<propSet><type>HostSystem</type><all>false</all><pathSet>name</pathSet></propSet>' +
        '<objectSet><obj type="ContainerView">session[abc]42</obj><skip>true</skip>' +
        '<selectSet xsi:type="TraversalSpec"><name>traverseView</name><type>ContainerView</type>' +
        '<path>view</path><skip>false</skip></selectSet></objectSet>' +
        '</specSet>',
    );
  });

  it('supports recursive traversal specs with SelectionSpec references', () => {
    const xml = serializeElement(
      'specSet',
      propertyFilterSpecToSoap({
        propSet: [{ type: 'Folder', pathSet: ['name'] }],
        objectSet: [
          {
            obj: moRef('Folder', 'group-d1'),
            selectSet: [
              {
                name: 'folderTraversal',
                type: 'Folder',
                path: 'childEntity',
                skip: false,
                selectSet: [{ name: 'folderTraversal' }],
              },
            ],
          },
        ],
        reportMissingObjectsInResults: true,
      }),
    );
    expect(xml).toContain(
      '<selectSet xsi:type="TraversalSpec"><name>folderTraversal</name><type>Folder</type><path>childEntity</path>' +
        '<skip>false</skip><selectSet xsi:type="SelectionSpec"><name>folderTraversal</name></selectSet></selectSet>',
    );
    expect(xml).toMatch(
      /<\/objectSet><reportMissingObjectsInResults>true<\/reportMissingObjectsInResults><\/specSet>$/,
    );
  });
});
