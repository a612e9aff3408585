/// <reference lib="dom" />
import { byId, fill } from './dom';

/**
 * A modal confirmation (the page's <dialog id="confirm">). With `typed`, the confirm button is
 * enabled only once that text (a board id) has been typed, as for deleting a board.
 */
export function confirmDialog(message: string, typed?: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  const input = byId<HTMLInputElement>('confirm-input');
  const ok = byId<HTMLButtonElement>('confirm-ok');
  const cancel = byId<HTMLButtonElement>('confirm-cancel');
  fill(byId('confirm-message'), message);
  input.value = '';
  input.hidden = typed === undefined;
  input.placeholder = typed ?? '';
  ok.disabled = typed !== undefined;
  const onInput = (): void => {
    ok.disabled = input.value !== typed;
  };
  input.addEventListener('input', onInput);
  return new Promise((resolve) => {
    const done = (answer: boolean): void => {
      input.removeEventListener('input', onInput);
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onOk = (): void => done(true);
    const onCancel = (e?: Event): void => {
      e?.preventDefault();
      done(false);
    };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    (typed === undefined ? cancel : input).focus();
  });
}
