// A loopback stand-in for a router's UPnP HTTP side, for answers miniupnpd would never give:
// it serves `description` at /rootDesc.xml and answers every POST with `soap(path, headers)`.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoapReply {
  status?: number;
  body: string;
}

export interface FakeIgd {
  location: string;
  posts: { path: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export async function fakeIgd(description: string | (() => string), soap: (path: string) => SoapReply | null): Promise<FakeIgd> {
  const posts: FakeIgd['posts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/rootDesc.xml') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(typeof description === 'string' ? description : description());
        return;
      }
      if (req.method === 'POST') {
        posts.push({ path: req.url ?? '', headers: req.headers, body });
        const reply = soap(req.url ?? '');
        if (reply === null) return; // never answer
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml; charset="utf-8"' });
        res.end(reply.body);
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    location: `http://127.0.0.1:${port}/rootDesc.xml`,
    posts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A device description with these WAN services (serviceType, controlURL), optionally a URLBase. */
export function description(services: [string, string][], urlBase?: string): string {
  const list = services
    .map(([type, control]) => `<service><serviceType>${type}</serviceType><serviceId>x</serviceId><controlURL>${control}</controlURL></service>`)
    .join('');
  return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">${urlBase ? `<URLBase>${urlBase}</URLBase>` : ''}
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
<serviceList>${list}</serviceList></device></deviceList></device></deviceList></device></root>`;
}

export function externalIp(serviceType: string, address: string): SoapReply {
  return {
    body: `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:GetExternalIPAddressResponse xmlns:u="${serviceType}"><NewExternalIPAddress>${address}</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>`,
  };
}

export function fault(code: number, text: string): SoapReply {
  return {
    status: 500,
    body: `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${text}</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>`,
  };
}

export const IP1 = 'urn:schemas-upnp-org:service:WANIPConnection:1';
export const IP2 = 'urn:schemas-upnp-org:service:WANIPConnection:2';
export const PPP1 = 'urn:schemas-upnp-org:service:WANPPPConnection:1';
