import type { BoardChange, BoardsPlan, FieldChange } from './boards-file.service';

// Instants are ms in the settings and ISO-8601 in the board document: print them as written.
const INSTANTS = new Set(['startsAt', 'endsAt']);
const show = (v: unknown, field = ''): string =>
  JSON.stringify(INSTANTS.has(field) && typeof v === 'number' ? new Date(v).toISOString() : v);

const changeList = (changes: FieldChange[]): string =>
  changes.map((c) => `${c.field} ${show(c.from, c.field)} -> ${show(c.to, c.field)}`).join(', ');

function line(c: BoardChange): string {
  switch (c.action) {
    case 'create': {
      const settings = Object.entries(c.settings).map(([k, v]) => `${k} ${show(v, k)}`);
      return `+ create ${c.boardId}${settings.length ? `: ${settings.join(', ')}` : ''}`;
    }
    case 'update':
      return `~ update ${c.boardId}: ${changeList(c.changes)}`;
    case 'delete':
      return `- delete ${c.boardId} (${c.memberCount} players in its current period)`;
    case 'refuse':
      return `! refuse ${c.boardId}: ${changeList(c.changes)} (immutable: set when the board is created)`;
  }
}

const count = (plan: BoardsPlan, action: BoardChange['action']): number =>
  plan.changes.filter((c) => c.action === action).length;

/**
 * A plan as text, one line per board: `+` create, `~` update (old -> new), `-` delete,
 * `!` refused, then the boards left as they are and a summary line. `applied`: the plan was
 * carried out (apply), not only computed (plan).
 */
export function formatPlan(plan: BoardsPlan, applied: boolean): string {
  const out = [
    `${plan.file}: ${plan.listed} board(s), prune ${plan.prune ? 'on' : 'off'}`,
    ...plan.changes.map(line),
  ];
  if (plan.unchanged.length) out.push(`= unchanged: ${plan.unchanged.join(', ')}`);
  if (plan.kept.length) {
    const why = plan.prune ? 'global is never pruned' : 'prune is off';
    out.push(`= not in the file, kept (${why}): ${plan.kept.join(', ')}`);
  }
  const creates = count(plan, 'create');
  const updates = count(plan, 'update');
  const deletes = count(plan, 'delete');
  if (plan.refused) {
    out.push(
      `Refused: ${count(plan, 'refuse')} board(s) differ in an immutable field; ${applied ? 'nothing was changed' : 'applying it would change nothing'}.`,
    );
  } else if (creates + updates + deletes === 0) {
    out.push(`No changes: the boards match ${plan.file}.`);
  } else if (applied) {
    out.push(
      `Applied: ${creates} created, ${updates} updated, ${deletes} deleted, ${plan.unchanged.length} unchanged.`,
    );
  } else {
    out.push(
      `Plan: ${creates} to create, ${updates} to update, ${deletes} to delete, ${plan.unchanged.length} unchanged.`,
    );
  }
  return `${out.join('\n')}\n`;
}
