// The IGD's device description and its SOAP answer. XML comes from a device on the LAN, so it
// is parsed defensively: bounded in size by the caller, any DOCTYPE refused outright, entity
// processing off (only the five predefined entities and character references are decoded, in
// the few values we read), and only fixed element paths are trusted.
import { XMLParser } from 'fast-xml-parser';

export const WAN_SERVICES = [
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

export interface WanService {
  serviceType: string;
  controlUrl: string;
}

export type XmlResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type Node = unknown;

/** Parse untrusted XML: no DOCTYPE (so no entity definitions), well-formed or refused. */
export function parseXml(text: string): XmlResult<Node> {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return { ok: false, reason: 'it contains a DOCTYPE or ENTITY declaration (refused)' };
  }
  try {
    return { ok: true, value: parser.parse(text, true) as Node };
  } catch (err) {
    return { ok: false, reason: `it is not well-formed XML (${String((err as Error).message ?? err).slice(0, 80)})` };
  }
}

/** Decode the predefined XML entities and character references of one text value. */
export function xmlText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let bad = false;
  const out = value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);?/g, (whole, ref: string) => {
    const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : ref.startsWith('#') ? parseInt(ref.slice(1), 10) : NaN;
    if (!Number.isNaN(code) && code <= 0x10ffff) return String.fromCodePoint(code);
    if (named[ref] !== undefined && whole.endsWith(';')) return named[ref]!;
    bad = true;
    return whole;
  });
  return bad ? null : out;
}

function child(node: Node, name: string): Node {
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, Node>)[name] : undefined;
}

/** Every `<service>` element anywhere under `node`, in document order. */
function services(node: Node, out: Record<string, Node>[] = []): Record<string, Node>[] {
  if (Array.isArray(node)) {
    for (const n of node) services(n, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Record<string, Node>)) {
      if (key === 'service') {
        for (const s of Array.isArray(value) ? value : [value]) {
          if (s !== null && typeof s === 'object') out.push(s as Record<string, Node>);
        }
      } else {
        services(value, out);
      }
    }
  }
  return out;
}

/**
 * The WAN connection services of a device description (WANIPConnection:1/:2 first, then
 * WANPPPConnection:1), each with its control URL made absolute against URLBase, else against
 * the description's own URL.
 */
export function wanServices(xml: string, location: string): XmlResult<WanService[]> {
  const parsed = parseXml(xml);
  if (!parsed.ok) return parsed;
  const root = child(parsed.value, 'root');
  if (root === undefined) return { ok: false, reason: 'it is not a UPnP device description (no <root>)' };
  const urlBase = xmlText(child(root, 'URLBase'))?.trim();
  let base: URL;
  try {
    base = new URL(urlBase || location);
  } catch {
    return { ok: false, reason: `its URLBase is not a URL` };
  }
  const found: WanService[] = [];
  for (const s of services(root)) {
    const serviceType = xmlText(s.serviceType)?.trim() ?? '';
    const control = xmlText(s.controlURL)?.trim() ?? '';
    if (!(WAN_SERVICES as readonly string[]).includes(serviceType) || control === '') continue;
    let url: URL;
    try {
      url = new URL(control, base);
    } catch {
      continue;
    }
    if (url.protocol === 'http:') found.push({ serviceType, controlUrl: url.toString() });
  }
  found.sort((a, b) => WAN_SERVICES.indexOf(a.serviceType as never) - WAN_SERVICES.indexOf(b.serviceType as never));
  return { ok: true, value: found };
}

export function soapRequest(serviceType: string): { body: string; action: string } {
  return {
    action: `"${serviceType}#GetExternalIPAddress"`,
    body:
      '<?xml version="1.0"?>\r\n' +
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
      `<s:Body><u:GetExternalIPAddress xmlns:u="${serviceType}"></u:GetExternalIPAddress></s:Body></s:Envelope>\r\n`,
  };
}

/**
 * The NewExternalIPAddress of a GetExternalIPAddress answer (possibly empty), or the reason
 * there is none (a SOAP fault with its UPnP error code, or something else entirely).
 */
export function externalAddress(xml: string): XmlResult<string> {
  const parsed = parseXml(xml);
  if (!parsed.ok) return parsed;
  const body = child(child(parsed.value, 'Envelope'), 'Body');
  const response = child(body, 'GetExternalIPAddressResponse');
  if (response !== undefined) {
    const raw = child(response, 'NewExternalIPAddress');
    const address = raw === undefined ? null : xmlText(raw);
    if (address === null) return { ok: false, reason: 'the answer has no NewExternalIPAddress value' };
    return { ok: true, value: address.trim() };
  }
  const upnpError = child(child(child(body, 'Fault'), 'detail'), 'UPnPError');
  if (upnpError !== undefined) {
    const code = xmlText(child(upnpError, 'errorCode'))?.trim() ?? '?';
    const text = xmlText(child(upnpError, 'errorDescription'))?.trim();
    return { ok: false, reason: `UPnP error ${code.slice(0, 8)}${text ? ` (${text.slice(0, 60)})` : ''}` };
  }
  if (child(body, 'Fault') !== undefined) return { ok: false, reason: 'a SOAP fault without a UPnP error' };
  return { ok: false, reason: 'the answer is not a GetExternalIPAddressResponse' };
}
