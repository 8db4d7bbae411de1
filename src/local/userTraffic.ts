/**
 * Real users, as far as a loopback world can have them: requests through a listener, a few at a
 * time over kept-alive sockets, cycling through their paths, until stopped. What the listener
 * forwards is what the load balancer's metrics count (albMetrics.ts).
 */
import http from 'node:http';

const get = (url: string, agent: http.Agent) =>
  new Promise<void>((resolve) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', () => resolve());
      })
      // A reset or refused request is a user's failed request, not the generator's.
      .on('error', () => resolve());
  });

export interface UserTraffic {
  /** Requests sent so far. */
  readonly sent: () => number;
  readonly stop: () => Promise<void>;
}

/** Keeps `concurrency` users requesting `paths` in turn through `baseUrl` until `stop()`. */
export const startUserTraffic = (
  baseUrl: string,
  concurrency = 4,
  paths: readonly string[] = ['/'],
): UserTraffic => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let running = true;
  let sent = 0;
  const user = async () => {
    while (running) {
      const path = paths[sent++ % paths.length] ?? '/';
      await get(`${baseUrl}${path}`, agent);
    }
  };
  const users = Array.from({ length: concurrency }, user);
  return {
    sent: () => sent,
    stop: async () => {
      running = false;
      await Promise.all(users);
      agent.destroy();
    },
  };
};

/** Sends `n` requests through `baseUrl`, `concurrency` at a time. */
export const sendUserRequests = async (baseUrl: string, n: number, concurrency = 8) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const user = async () => {
    while (next < n) {
      next++;
      await get(`${baseUrl}/`, agent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, user));
  agent.destroy();
};
