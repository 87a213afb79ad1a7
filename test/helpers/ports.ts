// A UDP socket and a TCP server on one port, as a DNS server has them. The kernel picks a free
// UDP port; the same number may be taken for TCP (by a listener or by an outgoing connection's
// ephemeral port), so on EADDRINUSE both are let go and another port is tried. Every bind error
// rejects: a test must fail, never wait forever on a callback that will not come.
import dgram from 'node:dgram';
import net from 'node:net';

export async function bindUdpAndTcp(host: string, makeUdp: () => dgram.Socket, tcp: net.Server): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = makeUdp();
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        udp.close();
        reject(err);
      };
      udp.once('error', failed);
      udp.bind(0, host, () => {
        udp.off('error', failed);
        resolve();
      });
    });
    const port = udp.address().port;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, port };
    } catch (err) {
      udp.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 20) throw err;
    }
  }
}
