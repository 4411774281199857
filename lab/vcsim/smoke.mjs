// Smoke test of the lab vCenter from Node, over TLS the way the app connects: an undici Agent with
// connect.ca = FFO_VCENTER_CA (Node's fetch rejects the self-signed lab certificate otherwise; setting
// NODE_EXTRA_CA_CERTS=$FFO_VCENTER_CA works too). SOAP RetrieveServiceContent, Login, then a VM count
// through a ContainerView.
// usage: eval "$(lab/vcsim/vcsim.sh env)" && node lab/vcsim/smoke.mjs
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';

const env = process.env;
const [url, user, password, caFile] = [
  env.FFO_VCENTER_URL,
  env.FFO_VCENTER_USER,
  env.FFO_VCENTER_PASSWORD,
  env.FFO_VCENTER_CA,
];
if (!url || !user || !password || !caFile) {
  console.error('set FFO_VCENTER_URL/USER/PASSWORD/CA first: eval "$(lab/vcsim/vcsim.sh env)"');
  process.exit(2);
}

const started = Date.now();
const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
const esc = (s) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
const tag = (xml, name) => new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml)?.[1];
let cookie = '';

async function call(body, agent = dispatcher) {
  const res = await undiciFetch(url, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"urn:vim25/6.5"',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
      ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:vim25"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
  });
  const setCookie = res.headers.get('set-cookie');
  if (setCookie) cookie = setCookie.split(';')[0];
  const text = await res.text();
  const fault = tag(text, 'faultstring');
  if (fault !== undefined) throw new Error(`SOAP fault: ${fault}`);
  return text;
}

const serviceContent =
  '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>';

// 1. Without the lab CA the certificate must be rejected (proves verification is on).
let withoutCa = 'accepted (unexpected)';
const plain = new Agent();
try {
  await call(serviceContent, plain);
} catch (e) {
  withoutCa = `rejected (${e.cause?.code ?? e.message})`;
} finally {
  await plain.close();
}

// 2. With the lab CA: service content, login, VM count.
const sc = await call(serviceContent);
const login = await call(
  `<Login><_this type="SessionManager">${tag(sc, 'sessionManager')}</_this>` +
    `<userName>${esc(user)}</userName><password>${esc(password)}</password></Login>`,
);
const view = tag(
  await call(
    `<CreateContainerView><_this type="ViewManager">${tag(sc, 'viewManager')}</_this>` +
      `<container type="Folder">${tag(sc, 'rootFolder')}</container><type>VirtualMachine</type>` +
      '<recursive>true</recursive></CreateContainerView>',
  ),
  'returnval',
);
const props = await call(
  `<RetrievePropertiesEx><_this type="PropertyCollector">${tag(sc, 'propertyCollector')}</_this><specSet>` +
    '<propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet>' +
    `<objectSet><obj type="ContainerView">${view}</obj><skip>true</skip><selectSet xsi:type="TraversalSpec">` +
    '<name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet>' +
    '</specSet><options/></RetrievePropertiesEx>',
);
await dispatcher.close();

console.log(
  JSON.stringify({
    url,
    about: tag(sc, 'fullName'),
    tlsWithoutLabCa: withoutCa,
    tlsWithLabCa: 'accepted',
    loggedInAs: tag(login, 'userName'),
    virtualMachines: (props.match(/<objects>/g) ?? []).length,
    ms: Date.now() - started,
  }),
);
