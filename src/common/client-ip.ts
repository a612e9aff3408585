import type { IncomingMessage } from 'node:http';

/**
 * The client address of a raw Node request, honouring TRUST_PROXY the way Fastify's
 * `request.ip` does for HTTP routes: `true` takes the left-most X-Forwarded-For entry, a
 * number n trusts n proxies (the n-th entry from the right), `false` the socket address.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean | number): string {
  const remote = req.socket?.remoteAddress ?? 'unknown';
  if (trustProxy === false || trustProxy === 0) return remote;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return remote;
  if (trustProxy === true) return chain[0];
  const hops = [...chain, remote];
  return hops[Math.max(0, hops.length - 1 - trustProxy)];
}
