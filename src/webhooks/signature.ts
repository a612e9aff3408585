import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a signature's timestamp may be before a receiver should refuse it (documented). */
export const REPLAY_WINDOW_SECONDS = 300;

/**
 * The `Valkran-Signature` header of a delivery: `t=<unix seconds>,v1=<hex>`, where the hex is
 * HMAC-SHA256 with the webhook's secret over `<t>.<raw body>`. Each attempt signs anew (a new
 * `t`, the same body), so a captured request cannot be replayed once the window has passed.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (README, "Verifying a delivery"): true when `header` signs `body` with
 * `secret` and its timestamp is within `windowSeconds` of `nowSeconds`.
 */
export function verifySignature(
  header: string,
  secret: string,
  body: string,
  nowSeconds: number,
  windowSeconds = REPLAY_WINDOW_SECONDS,
): boolean {
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > windowSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
