// A free UDP port on 127.0.0.1, for tests that must tell a child process (iaxmodem, the CLI) which port to use
// before it binds. The port is released before returning, so another process could take it in between; tests
// that can bind port 0 themselves should do that instead.
import { createSocket } from 'node:dgram';

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
