/// <reference lib="dom" />
import type { BoardDto, CreateBoardBody, UpdateBoardBody } from '../api';

/**
 * One group of board options in the create/edit form (the core settings, tiers, tie-break
 * columns, tournament rules, …). A feature that adds board options adds a group and lists it in
 * board-form.ts; nothing else in the form changes. Every input is built with `field()` (or a
 * row editor), so the API's problem+json paths (`tiebreakers.0.name`) find their fields.
 */
export interface OptionGroup {
  /** The group's part of the form: empty for a new board, filled from `board` when editing. */
  render(board: BoardDto | undefined): HTMLElement;
  /** Adds what the operator entered to the creation body; empty fields are left out. */
  create(form: HTMLFormElement, body: CreateBoardBody): void;
  /** Adds the fields that differ from the board as loaded to the PATCH body. */
  update(form: HTMLFormElement, board: BoardDto, body: UpdateBoardBody): void;
}
