// `static`: a fixed address from the config (a LAN zone, a test, a box with a known address).
import type { DetectorModule } from './types.js';
import { parseAddress } from './address.js';

const detector: DetectorModule<{ address: string }> = {
  describe: (s) => `static ${s.address}`,
  detect: async (s, family) => parseAddress(s.address.trim(), family),
};
export default detector;
