import { describe, expect, it } from '@jest/globals';
import {
  VSphereFaultError,
  VSphereLoginError,
  VSphereNotAuthenticatedError,
  VSphereProtocolError,
} from '../../../src/errors/vsphere-errors.js';
import { moRefOf } from '../../../src/providers/vsphere/managed-object-reference.js';
import { parseRetrieveResult } from '../../../src/providers/vsphere/retrieve-result.js';
import {
  parseSoapResponse,
  parseXmlDocument,
  readSoapFault,
  type XmlEngine,
} from '../../../src/providers/vsphere/soap-response-parser.js';
import { parseServiceContent } from '../../../src/providers/vsphere/vim-client.js';
import { isXmlObject, textOf, xsiTypeOf, type XmlObject } from '../../../src/providers/vsphere/xml-tree.js';
import { readFixture, xmlFixtureNames } from './fixture-files.js';

const ENGINES: XmlEngine[] = ['fast', 'fast-xml-parser'];

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
  'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

function response(method: string, returnval: string): string {
  return `${ENVELOPE_OPEN}<${method}Response xmlns="urn:vim25"><returnval>${returnval}</returnval></${method}Response>${ENVELOPE_CLOSE}`;
}

/** One RetrievePropertiesEx object whose val carries xsi:type in the given style. */
function propertyResponse(valAttrs: string): string {
  return response(
    'RetrievePropertiesEx',
    `<objects><obj type="VirtualMachine">vm-1</obj><propSet><name>runtime.host</name>` +
      `<val ${valAttrs} type="HostSystem">host-9</val></propSet></objects>`,
  );
}

function firstVal(xml: string, engine: XmlEngine): XmlObject {
  const result = parseRetrieveResult(parseSoapResponse(xml, 'RetrievePropertiesEx', { engine }));
  const val = result.objects[0]!.propSet[0]!.val;
  if (!isXmlObject(val)) throw new Error('val is not an object');
  return val;
}

describe.each(ENGINES)('xsi:type resolution by namespace URI (%s engine)', (engine) => {
  it('reads vcsim style: per-element XMLSchema-instance prefix', () => {
    const val = firstVal(
      propertyResponse(
        'xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="ManagedObjectReference"',
      ),
      engine,
    );
    expect(val).toEqual({ '#xsiType': 'ManagedObjectReference', '@type': 'HostSystem', '#text': 'host-9' });
    expect(moRefOf(val)).toEqual({ type: 'HostSystem', value: 'host-9' });
  });

  it('reads real vCenter style: xsi prefix declared on the Envelope', () => {
    const val = firstVal(propertyResponse('xsi:type="ManagedObjectReference"'), engine);
    expect(val).toEqual({ '#xsiType': 'ManagedObjectReference', '@type': 'HostSystem', '#text': 'host-9' });
  });

  it('accepts any prefix bound to the XSI namespace and strips the QName prefix of the value', () => {
    const val = firstVal(
      propertyResponse(
        'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:type="vim25:ManagedObjectReference"',
      ),
      engine,
    );
    expect(xsiTypeOf(val)).toBe('ManagedObjectReference');
  });

  it('ignores a "type" attribute whose prefix is bound to another namespace', () => {
    const val = firstVal(propertyResponse('xmlns:xsi="urn:not-xsi" xsi:type="Bogus"'), engine);
    expect(xsiTypeOf(val)).toBeNull();
    expect(val['#xsiType']).toBeUndefined();
    expect(moRefOf(val)).toEqual({ type: 'HostSystem', value: 'host-9' });
  });

  it('scopes declarations to the element subtree', () => {
    const xml = response(
      'X',
      '<a xmlns:p="http://www.w3.org/2001/XMLSchema-instance"><b p:type="Inner"/></a><c p:type="Outside">t</c>',
    );
    const ret = parseSoapResponse(xml, 'X', { engine }) as XmlObject;
    expect(ret['a']).toEqual({ b: { '#xsiType': 'Inner' } });
    // p is undeclared outside <a>: kept as a plain attribute, not treated as xsi:type.
    expect(ret['c']).toEqual({ '@p:type': 'Outside', '#text': 't' });
  });

  it('forces vim25 arrays even with one element, keeps scalars scalar, decodes entities', () => {
    const xml = response(
      'RetrievePropertiesEx',
      '<objects><obj type="VirtualMachine">vm-1</obj><propSet><name>config.annotation</name>' +
        '<val xsi:type="xsd:string">a &amp; b &lt;c&gt; &#39;d&#39; &#34;e&#34;&#xA;f</val></propSet></objects>',
    );
    const ret = parseSoapResponse(xml, 'RetrievePropertiesEx', { engine }) as XmlObject;
    expect(Array.isArray(ret['objects'])).toBe(true);
    const obj = (ret['objects'] as XmlObject[])[0]!;
    expect(Array.isArray(obj['propSet'])).toBe(true);
    expect(textOf((obj['propSet'] as XmlObject[])[0]!['val'])).toBe('a & b <c> \'d\' "e"\nf');
  });
});

describe('both engines produce identical trees', () => {
  it.each(xmlFixtureNames())('%s', (name) => {
    const xml = readFixture(name);
    const fast = parseXmlDocument(xml, { engine: 'fast' });
    const reference = parseXmlDocument(xml, { engine: 'fast-xml-parser' });
    expect(fast.engine).toBe('fast');
    expect(fast.root).toEqual(reference.root);
  });

  it('falls back to fast-xml-parser for comments and CDATA and still matches it', () => {
    const xml = response('X', '<!-- c --><a>1</a><b><![CDATA[x<y]]></b>');
    const fast = parseXmlDocument(xml, { engine: 'fast' });
    expect(fast.engine).toBe('fast-xml-parser');
    expect(fast.root).toEqual(parseXmlDocument(xml, { engine: 'fast-xml-parser' }).root);
  });

  it('normalises CRLF and self-closing tags the same way', () => {
    const xml = response('X', '<a>line1\r\nline2</a><b/><c attr="v"/><d>  padded  </d><e></e>');
    const fast = parseXmlDocument(xml, { engine: 'fast' });
    expect(fast.engine).toBe('fast');
    expect(fast.root).toEqual(parseXmlDocument(xml, { engine: 'fast-xml-parser' }).root);
    const ret = parseSoapResponse(xml, 'X') as XmlObject;
    expect(ret).toEqual({ a: 'line1\nline2', b: '', c: { '@attr': 'v' }, d: 'padded', e: '' });
  });
});

describe('pruning xsi:typed elements', () => {
  const prune = (name: string, type: string): boolean =>
    name === 'VirtualDevice' && type === 'VirtualKeyboard';

  it.each(xmlFixtureNames().filter((n) => readFixture(n).includes('VirtualKeyboard')))(
    '%s: both engines agree',
    (name) => {
      const xml = readFixture(name);
      const fast = parseXmlDocument(xml, { engine: 'fast', prune });
      expect(fast.engine).toBe('fast');
      expect(fast.root).toEqual(parseXmlDocument(xml, { engine: 'fast-xml-parser', prune }).root);
      expect(xml).toContain('VirtualKeyboard');
      expect(JSON.stringify(fast.root)).not.toContain('VirtualKeyboard');
      expect(JSON.stringify(fast.root)).toContain('VirtualPointingDevice');
    },
  );

  it.each(ENGINES)('skips nested same-name elements and self-closing ones (%s engine)', (engine) => {
    const xml = response(
      'X',
      '<VirtualDevice xsi:type="VirtualKeyboard"><VirtualDevice xsi:type="Other"><k>1</k></VirtualDevice>' +
        '<VirtualDevice xsi:type="Other"/></VirtualDevice><VirtualDevice xsi:type="VirtualKeyboard"/>' +
        '<VirtualDevice xsi:type="Kept"><key>2</key></VirtualDevice>',
    );
    expect(parseSoapResponse(xml, 'X', { engine, prune })).toEqual({
      VirtualDevice: [{ '#xsiType': 'Kept', key: '2' }],
    });
  });
});

describe('recorded vcsim responses and crafted vCenter responses', () => {
  it('parses ServiceContent', () => {
    const sc = parseServiceContent(
      parseSoapResponse(readFixture('service-content.vcsim.xml'), 'RetrieveServiceContent'),
    );
    expect(sc.rootFolder).toEqual({ type: 'Folder', value: 'group-d1' });
    expect(sc.propertyCollector).toEqual({ type: 'PropertyCollector', value: 'propertyCollector' });
    expect(sc.viewManager).toEqual({ type: 'ViewManager', value: 'ViewManager' });
    expect(sc.sessionManager).toEqual({ type: 'SessionManager', value: 'SessionManager' });
    expect(sc.about).toMatchObject({
      instanceUuid: 'dbed6e0c-bd88-4ef6-b594-21283e1c677f',
      fullName: 'VMware vCenter Server 6.5.0 build-5973321',
      apiVersion: '6.5',
      apiType: 'VirtualCenter',
    });
  });

  it('returns undefined for void methods', () => {
    expect(parseSoapResponse(readFixture('destroy-view.vcsim.xml'), 'DestroyView')).toBeUndefined();
    expect(parseSoapResponse(readFixture('logout.vcsim.xml'), 'Logout')).toBeUndefined();
  });

  it.each(ENGINES)('reads the same objects from both prefix styles (%s engine)', (engine) => {
    const vcsim = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-inventory.vcsim.xml'), 'RetrievePropertiesEx', { engine }),
    );
    const vcenter = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-inventory.vcenter.xml'), 'RetrievePropertiesEx', { engine }),
    );
    expect(vcsim.token).toBeNull();
    expect(vcsim.objects).toHaveLength(30);
    expect(vcenter.objects).toHaveLength(31);
    const devicesOf = (objects: typeof vcsim.objects, moid: string): XmlObject => {
      const o = objects.find((x) => x.obj.value === moid)!;
      return o.propSet.find((p) => p.name === 'config.hardware.device')!.val as XmlObject;
    };
    for (const result of [vcsim, vcenter]) {
      const devices = devicesOf(result.objects, 'vm-80');
      expect(xsiTypeOf(devices)).toBe('ArrayOfVirtualDevice');
      const types = (devices['VirtualDevice'] as XmlObject[]).map((d) => xsiTypeOf(d));
      expect(types).toEqual(
        expect.arrayContaining([
          'ParaVirtualSCSIController',
          'VirtualLsiLogicSASController',
          'VirtualDisk',
          'VirtualVmxnet3',
          'VirtualE1000e',
        ]),
      );
      const ps2 = (devices['VirtualDevice'] as XmlObject[]).find(
        (d) => xsiTypeOf(d) === 'VirtualPS2Controller',
      )!;
      expect(ps2['device']).toEqual(['600', '700']);
    }
  });

  it('reads missingSet entries with their fault type', () => {
    const vcsim = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-missing-property.vcsim.xml'), 'RetrievePropertiesEx'),
    );
    expect(vcsim.objects[0]!.missingSet).toEqual([
      { path: 'bogus.path', faultType: 'InvalidProperty', message: null },
    ]);
    const vcenter = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-inventory.vcenter.xml'), 'RetrievePropertiesEx'),
    );
    const partial = vcenter.objects.find((o) => o.obj.value === 'vm-9001')!;
    expect(partial.missingSet.map((m) => [m.path, m.faultType])).toEqual([
      ['config.hardware.device', 'NoPermission'],
      ['config.uuid', 'NoPermission'],
      ['runtime.host', 'NoPermission'],
    ]);
    expect(partial.missingSet[0]!.message).toBe('Permission to perform this operation was denied.');
  });

  it('reads the paging token', () => {
    const page1 = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-inventory-page1.vcenter.xml'), 'RetrievePropertiesEx'),
    );
    const page2 = parseRetrieveResult(
      parseSoapResponse(readFixture('retrieve-inventory-page2.vcenter.xml'), 'ContinueRetrievePropertiesEx'),
    );
    expect(page1.token).toBe('1');
    expect(page2.token).toBeNull();
    expect(page1.objects.length + page2.objects.length).toBe(31);
  });

  it('treats an absent returnval as an empty result', () => {
    const xml = `${ENVELOPE_OPEN}<RetrievePropertiesExResponse xmlns="urn:vim25"></RetrievePropertiesExResponse>${ENVELOPE_CLOSE}`;
    expect(parseRetrieveResult(parseSoapResponse(xml, 'RetrievePropertiesEx'))).toEqual({
      token: null,
      objects: [],
    });
  });
});

describe.each(ENGINES)('SOAP faults (%s engine)', (engine) => {
  function faultOf(fixture: string, method: string): unknown {
    try {
      parseSoapResponse(readFixture(fixture), method, { engine });
    } catch (error) {
      return error;
    }
    throw new Error('expected a fault');
  }

  it('InvalidLogin -> VSphereLoginError', () => {
    const error = faultOf('fault-invalid-login.vcsim.xml', 'Login');
    expect(error).toBeInstanceOf(VSphereLoginError);
    expect((error as VSphereLoginError).code).toBe('VSPHERE_LOGIN_FAILED');
    expect((error as VSphereLoginError).message).toBe('Login: Login failure');
    expect((error as VSphereLoginError).details).toMatchObject({
      faultType: 'InvalidLogin',
      method: 'Login',
    });
  });

  it('NotAuthenticated -> VSphereNotAuthenticatedError (retryable), message despite empty faultstring', () => {
    const error = faultOf('fault-not-authenticated.vcsim.xml', 'CreateContainerView');
    expect(error).toBeInstanceOf(VSphereNotAuthenticatedError);
    expect((error as VSphereNotAuthenticatedError).retryable).toBe(true);
    expect((error as VSphereNotAuthenticatedError).message).toBe(
      'CreateContainerView: NotAuthenticated fault',
    );
    expect((error as VSphereNotAuthenticatedError).details['faultDetail']).toEqual({
      object: 'ViewManager:ViewManager',
      privilegeId: 'System.View',
    });
  });

  it('MethodNotFound -> VSphereFaultError with faultType and detail', () => {
    const error = faultOf('fault-method-not-found.vcsim.xml', 'QueryChangedDiskAreas');
    expect(error).toBeInstanceOf(VSphereFaultError);
    expect((error as VSphereFaultError).faultType).toBe('MethodNotFound');
    expect((error as VSphereFaultError).code).toBe('VSPHERE_FAULT');
    expect((error as VSphereFaultError).retryable).toBe(false);
    expect((error as VSphereFaultError).details).toMatchObject({
      faultType: 'MethodNotFound',
      faultCode: 'ServerFaultCode',
      faultDetail: { receiver: 'VirtualMachine:vm-80', method: 'QueryChangedDiskAreas' },
    });
  });

  it('InvalidArgument -> VSphereFaultError with invalidProperty', () => {
    const error = faultOf('fault-invalid-argument.vcsim.xml', 'CreateContainerView');
    expect(error).toBeInstanceOf(VSphereFaultError);
    expect((error as VSphereFaultError).faultType).toBe('InvalidArgument');
    expect((error as VSphereFaultError).details['faultDetail']).toEqual({ invalidProperty: 'type' });
  });

  it('falls back to the detail element name, then to faultcode', () => {
    const noXsi = `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>x</faultstring><detail><InvalidStateFault xmlns="urn:vim25"/></detail></soapenv:Fault>${ENVELOPE_CLOSE}`;
    const body = (parseXmlDocument(noXsi, { engine }).root['Envelope'] as XmlObject)['Body'] as XmlObject;
    expect(readSoapFault(body['Fault']!)).toEqual({
      faultType: 'InvalidState',
      faultCode: 'ServerFaultCode',
      message: 'x',
      detail: {},
    });
    expect(() => parseSoapResponse(noXsi, 'M', { engine })).toThrow(
      expect.objectContaining({ faultType: 'InvalidState', message: 'M: x' }) as unknown as Error,
    );
    const noDetail = `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Unable to parse</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`;
    expect(() => parseSoapResponse(noDetail, 'M', { engine })).toThrow(
      expect.objectContaining({ faultType: 'Client' }) as unknown as Error,
    );
  });

  it('real vCenter style NotAuthenticated (xsi declared on the Envelope) maps the same', () => {
    const xml =
      `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The session is not authenticated.</faultstring>` +
      '<detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="Folder">group-d1</object>' +
      `<privilegeId>System.View</privilegeId></NotAuthenticatedFault></detail></soapenv:Fault>${ENVELOPE_CLOSE}`;
    expect(() => parseSoapResponse(xml, 'RetrievePropertiesEx', { engine })).toThrow(
      VSphereNotAuthenticatedError,
    );
  });
});

describe('protocol errors', () => {
  it('rejects documents that are not SOAP envelopes or lack the response element', () => {
    expect(() => parseSoapResponse('<html><body>Service unavailable</body></html>', 'Login')).toThrow(
      VSphereProtocolError,
    );
    expect(() => parseSoapResponse(response('Other', 'x'), 'Login')).toThrow(/no LoginResponse/);
    expect(() => parseSoapResponse('not xml at all <<<', 'Login')).toThrow(VSphereProtocolError);
  });

  it('does not expand DOCTYPE entities', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "EXPANDED">]>' +
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><XResponse><returnval>&x;</returnval></XResponse>${ENVELOPE_CLOSE}`;
    expect(parseSoapResponse(xml, 'X')).toBe('&x;');
  });
});
