import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostAddress, isPrivateAddress } from './address-policy';

/** What the delivery client allows and how long it waits. */
export interface WebhookClientOptions {
  /** Private, loopback and link-local targets and plain http in production (dev and tests). */
  allowPrivate: boolean;
  /** Plain `http` refused (production without allowPrivate). */
  httpsOnly: boolean;
  /** The whole attempt: connect, send, response headers and body. */
  timeoutMs: number;
  /** Response bytes read at most; the rest is not read. */
  maxResponseBytes: number;
}

export const DELIVERY_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** One attempt's outcome: `ok` for a 2xx status. */
export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** A target the address policy refuses (the name resolved to, or is, a private address). */
export class RefusedTargetError extends Error {
  override readonly name = 'RefusedTargetError';
}

/**
 * Why a URL may not be a webhook target under `options`, checked without DNS (scheme,
 * credentials, an IP literal host); null if it may (names are checked when they resolve).
 */
export function urlProblem(
  raw: string,
  options: Pick<WebhookClientOptions, 'allowPrivate' | 'httpsOnly'>,
): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.protocol === 'http:' && options.httpsOnly && !options.allowPrivate) {
    return 'must use https in production (WEBHOOK_ALLOW_PRIVATE=true allows http)';
  }
  if (url.username || url.password) return 'must not carry credentials (use the signing secret)';
  const ip = hostAddress(url.hostname);
  if (ip !== null && !options.allowPrivate && isPrivateAddress(ip)) {
    return `must not point at a private, loopback or link-local address (${ip})`;
  }
  return null;
}

/**
 * DNS resolution that refuses private addresses at connect time: every address the name
 * resolves to must be public (a name that also resolves to an internal address is refused
 * whole), so a name that passed at creation and is re-pointed later (DNS rebinding) is refused
 * when the delivery connects.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  type Callback = (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
  const guarded = (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: Callback,
  ): void => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const refused = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (refused) {
        return callback(
          new RefusedTargetError(
            `${hostname} resolves to ${refused.address}, a private, loopback or link-local address`,
          ),
        );
      }
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`));
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
  return guarded as unknown as LookupFunction;
}

/**
 * Posts webhook deliveries with Node's http/https: no redirects followed (a 3xx is a failure),
 * one deadline for the whole attempt, at most `maxResponseBytes` of the response read, and the
 * address policy applied to IP literals before connecting and to names as they resolve.
 */
export class WebhookClient {
  private readonly lookup: LookupFunction;

  constructor(readonly options: WebhookClientOptions) {
    this.lookup = guardedLookup(options.allowPrivate);
  }

  /** Resolves the attempt's outcome; never rejects. */
  post(rawUrl: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    const started = Date.now();
    const done = (statusCode: number | null, error: string | null): AttemptOutcome => ({
      ok: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
      statusCode,
      durationMs: Date.now() - started,
      error,
    });
    const problem = urlProblem(rawUrl, this.options);
    if (problem) return Promise.resolve(done(null, `refused: url ${problem}`));
    const url = new URL(rawUrl);
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: this.lookup,
      // No pooled sockets: each attempt connects (and so resolves and checks) anew.
      agent: false,
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (statusCode: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve(done(statusCode, error));
      };
      const req = send(url, options, (res: IncomingMessage) => {
        const status = res.statusCode ?? null;
        let read = 0;
        const verdict = status !== null && status >= 200 && status < 300 ? null : `HTTP ${status}`;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough is known (the status); the rest of a large answer is not read.
          if (read >= this.options.maxResponseBytes) finish(status, verdict);
        });
        res.on('end', () => finish(status, verdict));
        res.on('error', (err) => finish(status, err.message));
      });
      const timer = setTimeout(
        () => finish(null, `timed out after ${this.options.timeoutMs} ms`),
        this.options.timeoutMs,
      );
      req.on('error', (err) =>
        finish(null, err instanceof RefusedTargetError ? `refused: ${err.message}` : err.message),
      );
      req.end(body);
    });
  }
}
