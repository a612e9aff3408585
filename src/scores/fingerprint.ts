import { hash } from 'node:crypto';

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/**
 * What identifies a submission for idempotency: the digest of its Idempotency-Key scoped to the
 * submit key that sent it ('' when the request had none), and the digest of its body (single or
 * batch), compared on a replay. `legacyKeyDigest` names where the version before scoping kept the
 * record (the Idempotency-Key alone): looked up only when the scoped record is absent, so a retry
 * straddling the upgrade still replays (records live 24 h; see submit.lib.lua).
 */
export interface Fingerprint {
  keyDigest: string;
  bodyDigest: string;
  legacyKeyDigest?: string;
}

export function fingerprint(
  kind: 'single' | 'batch',
  body: unknown,
  idempotencyKey: string | undefined,
  /** The submit key's digest (hex): one client's keys never meet another's. */
  apiKeyDigest = '',
): Fingerprint {
  return {
    keyDigest: idempotencyKey ? sha256Hex(`${apiKeyDigest}:${idempotencyKey}`) : '',
    // Compared only on a replay, so only a request that can be replayed pays for it.
    bodyDigest: idempotencyKey ? sha256Hex(`${kind}:${canonicalJson(body)}`) : '',
    legacyKeyDigest: idempotencyKey ? sha256Hex(idempotencyKey) : '',
  };
}
