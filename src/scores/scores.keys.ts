import { boardTag } from '../valkey/keys';

/** The scores feature's own keys: `{lb:id}:idem:<sha256>`, an idempotency record (24 h). */
export const idempotencyKey = (boardId: string, digestHex: string): string =>
  `${boardTag(boardId)}:idem:${digestHex}`;
