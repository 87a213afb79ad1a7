// `http`: an echo service that answers with our address as it sees it. The whole answer must be
// one address of the asked family (parseEchoBody); the socket is pinned to that family.
import type { DetectorModule } from './types.js';
import { parseEchoBody } from './address.js';
import { redactUrl } from '../url.js';

const detector: DetectorModule<{ url: string }> = {
  describe: (s) => `http ${redactUrl(s.url)}`,
  async detect(s, family, ctx) {
    let res;
    try {
      res = await ctx.http.request({
        url: s.url,
        family: family === 'ipv4' ? 4 : 6,
        timeoutMs: s.timeout,
        probe: true,
        headers: { 'user-agent': ctx.userAgent, accept: 'text/plain, application/json;q=0.9' },
        signal: ctx.signal,
      });
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, reason: `HTTP ${res.status} redirect (not followed); point url at the final address` };
    }
    if (res.status < 200 || res.status >= 300) return { ok: false, reason: `HTTP ${res.status}` };
    return parseEchoBody(res.body, family);
  },
};
export default detector;
