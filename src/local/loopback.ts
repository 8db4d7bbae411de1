/** Start, address and stop an HTTP server on 127.0.0.1 only: the local stand-ins never listen wider. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export const listenOnLoopback = async (server: http.Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return loopbackUrl(server);
};

export const loopbackUrl = (server: http.Server): string =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export const closeServer = async (server: http.Server): Promise<void> => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
};
