// `upnp`: ask the router (a UPnP Internet Gateway Device) for its external IPv4 address.
// SSDP search → device description (LOCATION) → WANIPConnection/WANPPPConnection control URL →
// SOAP GetExternalIPAddress. Everything shares one deadline (settings.timeout), and every read
// is capped. A router that reports no address, 0.0.0.0, or a private/CGNAT one is itself
// behind another NAT: its answer is not the address the internet sees, so it is unavailable.
import { networkInterfaces } from 'node:os';
import type { RunContext } from '../../context.js';
import type { DetectorModule } from '../types.js';
import type { Parsed } from '../address.js';
import { notPublic, parseAddress } from '../address.js';
import { redactUrl } from '../../url.js';
import { discover } from './ssdp.js';
import { externalAddress, soapRequest, wanServices } from './igd.js';

export interface UpnpSettings {
  /** The device description URL: skips SSDP discovery. */
  location?: string;
  /** Search from this interface (its first IPv4 address); default: the kernel's choice. */
  interface?: string;
}

const DESCRIPTION_MAX = 64 * 1024;
const SOAP_MAX = 16 * 1024;
/** Share of the timeout SSDP may use (the rest is for the description and SOAP). */
const DISCOVERY_SHARE = 0.5;
const DISCOVERY_MAX_MS = 2500;

const BEHIND_NAT = 'the router is behind another NAT (CGNAT?)';
const INSTEAD = 'use an http or dns detector instead';

export interface UpnpDeps {
  interfaces: typeof networkInterfaces;
}

const defaultDeps: UpnpDeps = { interfaces: networkInterfaces };

export function createUpnpDetector(deps: UpnpDeps = defaultDeps): DetectorModule<UpnpSettings> {
  return {
    describe: (s) => (s.location ? `upnp ${redactUrl(s.location)}` : s.interface ? `upnp on ${s.interface}` : 'upnp'),
    async detect(s, family, ctx) {
      if (family === 'ipv6') return { ok: false, reason: 'UPnP IGD reports only IPv4' };
      const deadline = performance.now() + s.timeout;
      const left = () => Math.max(0, Math.round(deadline - performance.now()));
      const budget: Budget = { left, total: s.timeout };

      let locations: string[];
      if (s.location) {
        locations = [s.location];
      } else {
        let localAddress: string | undefined;
        if (s.interface) {
          const v4 = (deps.interfaces()[s.interface] ?? []).find((a) => a.family === 'IPv4');
          if (!v4) return { ok: false, reason: `interface ${s.interface} has no IPv4 address (upnp.interface)` };
          localAddress = v4.address;
        }
        const waitMs = Math.min(DISCOVERY_MAX_MS, s.timeout * DISCOVERY_SHARE);
        const found = await discover({ waitMs, localAddress, signal: ctx.signal });
        if (!found.ok) return found;
        if (found.replies.length === 0) {
          const ignored = found.ignored.length ? ` (${found.ignored.slice(0, 3).join('; ')})` : '';
          return {
            ok: false,
            reason: `no UPnP Internet gateway answered the SSDP search within ${waitMs / 1000}s${ignored}; is UPnP enabled on the router? (or set location)`,
          };
        }
        locations = found.replies.map((r) => r.location);
      }

      const reasons: string[] = [];
      for (const location of locations) {
        if (left() === 0) break;
        const got = await askGateway(location, budget, ctx);
        if (got.ok) return got;
        reasons.push(got.reason);
      }
      if (reasons.length === 0) return { ok: false, reason: `no answer within ${s.timeout / 1000}s` };
      return { ok: false, reason: reasons.join('; ') };
    },
  };
}

interface Budget {
  /** Milliseconds left of the detector's timeout. */
  left(): number;
  total: number;
}

/** The reason for a failed request to `url`: a timeout is said in the operator's terms. */
function failed(what: string, url: string, err: unknown, budget: Budget): Parsed {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  if (budget.left() < 50 || e.code === 'HTTP_TIMEOUT' || /TIMEOUT/.test(e.cause?.code ?? '')) {
    return { ok: false, reason: `${what} at ${redactUrl(url)}: no answer within the timeout (${budget.total / 1000}s)` };
  }
  const message = String(e.message ?? err).replace(/^https?:\/\/\S*: /, ''); // we name the URL ourselves
  return { ok: false, reason: `${what} at ${redactUrl(url)}: ${message}` };
}

async function askGateway(location: string, budget: Budget, ctx: RunContext): Promise<Parsed> {
  const { left } = budget;
  const where = redactUrl(location);
  let description;
  try {
    description = await ctx.http.request({
      url: location,
      family: 4,
      timeoutMs: left(),
      maxBytes: DESCRIPTION_MAX,
      headers: { 'user-agent': ctx.userAgent },
      signal: ctx.signal,
    });
  } catch (err) {
    return failed('device description', location, err, budget);
  }
  if (description.status !== 200) return { ok: false, reason: `device description ${where}: HTTP ${description.status}` };
  const services = wanServices(description.body, location);
  if (!services.ok) return { ok: false, reason: `device description ${where}: ${services.reason}` };
  if (services.value.length === 0) {
    return { ok: false, reason: `${where} is not an Internet gateway (no WANIPConnection or WANPPPConnection service)` };
  }

  const reasons: string[] = [];
  for (const service of services.value) {
    if (left() === 0) break;
    const got = await getExternalIp(service.serviceType, service.controlUrl, budget, ctx);
    if (got.ok) return got;
    reasons.push(got.reason);
  }
  return { ok: false, reason: reasons.join('; ') || `no time left after reading ${where}` };
}

async function getExternalIp(serviceType: string, controlUrl: string, budget: Budget, ctx: RunContext): Promise<Parsed> {
  const service = serviceType.replace('urn:schemas-upnp-org:service:', '');
  const { body, action } = soapRequest(serviceType);
  let res;
  try {
    res = await ctx.http.request({
      url: controlUrl,
      method: 'POST',
      family: 4,
      timeoutMs: budget.left(),
      maxBytes: SOAP_MAX,
      headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: action, 'user-agent': ctx.userAgent },
      body,
      signal: ctx.signal,
    });
  } catch (err) {
    return failed(`${service} GetExternalIPAddress`, controlUrl, err, budget);
  }
  const answer = externalAddress(res.body);
  if (!answer.ok) {
    return { ok: false, reason: `${service} GetExternalIPAddress failed (HTTP ${res.status}): ${answer.reason}` };
  }
  if (res.status !== 200) return { ok: false, reason: `${service} GetExternalIPAddress: HTTP ${res.status}` };
  const text = answer.value;
  if (text === '' || text === '0.0.0.0') {
    return { ok: false, reason: `the router reports no external address (${text === '' ? 'empty' : '0.0.0.0'}): ${BEHIND_NAT} or its WAN link is down; ${INSTEAD}` };
  }
  const parsed = parseAddress(text, 'ipv4');
  if (!parsed.ok) return { ok: false, reason: `the router's external address is unusable: ${parsed.reason}` };
  const why = notPublic(parsed.address);
  if (why) {
    const what = why.replace(/ — behind another NAT \(CGNAT\?\)$/, '');
    return { ok: false, reason: `the router reports ${parsed.address}, ${what}: ${BEHIND_NAT}, so this is not the address the internet sees; ${INSTEAD}` };
  }
  return parsed;
}

export default createUpnpDetector();
