import { boardTag } from '../../valkey/keys';

/**
 * The results job's keys (a board's tag, so the reset script may write the pending entry):
 *
 *   {lb:id}:results-pending      hash: periodId -> JSON {generation, resultsTop, rewards}, written
 *                                by the reset script in the same step that closes the period (the
 *                                board's rewards as they were at the close); removed once the
 *                                period's results are stored and announced (`period.closed`)
 *   {lb:id}:arc:<period>:results hash: '#' -> the results' header JSON, playerId -> entry JSON.
 *                                Under the archive prefix, so it is unlinked with its period
 *                                (prune, board delete: board.lib's unlinkArchivedPeriod)
 */
export const pendingResultsKey = (boardId: string): string =>
  `${boardTag(boardId)}:results-pending`;

export const resultsKey = (boardId: string, periodId: string): string =>
  `${boardTag(boardId)}:arc:${periodId}:results`;
