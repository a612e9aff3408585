import { boardTag } from '../../valkey/keys';

/** The stats job's own key: `{lb:id}:stats`, the last computed stats (JSON). */
export const statsKey = (boardId: string): string => `${boardTag(boardId)}:stats`;
