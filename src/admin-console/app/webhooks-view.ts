/// <reference lib="dom" />
import type {
  CreatedWebhookDto,
  CreateWebhookBody,
  DeliveryAttemptDto,
  TestDeliveryDto,
  UpdateWebhookBody,
  WebhookDto,
  WebhookEvent,
} from './api';
import { text } from './board-options/inputs';
import type { ViewContext } from './context';
import { fill, h, num, when } from './dom';
import { clearErrors, field, formMessage, showOk, showProblem, value } from './forms';
import { table } from './tables';

/**
 * Every event a webhook may subscribe to, in the API's order. The check below fails to compile
 * when the SDK's generated schema names an event missing here (or one it no longer has).
 */
const EVENTS = [
  'period.closed',
  'leaderboard.created',
  'leaderboard.deleted',
  'player.erased',
  'tournament.started',
  'tournament.ended',
  'league.moved',
] as const satisfies readonly WebhookEvent[];
const EVERY_EVENT_LISTED: [Exclude<WebhookEvent, (typeof EVENTS)[number]>] extends [never]
  ? true
  : never = true;
void EVERY_EVENT_LISTED;

export const webhookHref = (id: string): string => `#/webhooks/${encodeURIComponent(id)}`;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Health in a few words, as the API reports it (`failing` and its times). */
function health(w: WebhookDto): HTMLElement {
  if (w.failing)
    return h(
      'strong',
      { class: 'failing', 'data-failing': 'true' },
      `Failing since ${when(w.failingSince)}`,
    );
  return h(
    'span',
    { class: 'muted', 'data-failing': 'false' },
    w.lastSuccessAt === null && w.lastFailureAt === null ? 'No deliveries yet' : 'Healthy',
  );
}

/** The events as checkboxes named `events` (one error slot for the list). */
function eventsField(selected: readonly string[]): HTMLElement {
  return h(
    'fieldset',
    { id: 'f-events', class: 'events' },
    h('legend', {}, 'Events'),
    h(
      'div',
      { class: 'checks' },
      ...EVENTS.map((e) => {
        const box = h('input', {
          type: 'checkbox',
          name: 'events',
          value: e,
          id: `f-event-${e.replace('.', '-')}`,
          checked: selected.includes(e),
        });
        return h('label', { class: 'check', for: box.id }, box, h('code', {}, e));
      }),
    ),
    h('span', { class: 'field-error', 'data-error-for': 'events', role: 'alert' }),
  );
}

const checkedEvents = (form: HTMLFormElement): string[] =>
  [...form.querySelectorAll<HTMLInputElement>('input[name="events"]:checked')].map((i) => i.value);

/**
 * The webhook form, for registering (`hook` undefined) and editing. Like the board form it
 * checks nothing itself: the API's 400s name the field (`url`, `events`, `secret`,
 * `description`), shown beside it.
 */
function webhookForm(hook?: WebhookDto): HTMLFormElement {
  const editing = hook !== undefined;
  return h(
    'form',
    {
      id: editing ? 'webhook-edit-form' : 'webhook-form',
      novalidate: true,
      class: 'stack',
    },
    formMessage(),
    field(
      'URL',
      'url',
      text(hook?.url ?? '', { placeholder: 'https://game.example/hooks/valkran' }),
      'https; private and loopback addresses are refused unless the server allows them',
    ),
    eventsField(hook?.events ?? ['period.closed']),
    field(
      'Description',
      'description',
      text(hook?.description ?? '', { placeholder: 'Season payouts' }),
      editing ? 'up to 200 characters; empty clears it' : 'optional, up to 200 characters',
    ),
    field(
      editing ? 'New secret' : 'Secret',
      'secret',
      text('', { placeholder: editing ? 'keep the current one' : 'generated' }),
      editing
        ? 'rotates the signing secret; empty keeps it (the API never shows a secret again)'
        : '16–256 printable ASCII characters, no spaces; empty: the API generates one and shows it once',
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', id: editing ? 'webhook-save' : 'webhook-submit' },
        editing ? 'Save changes' : 'Register webhook',
      ),
    ),
  );
}

/** The creation body: empty optional fields are left out (the API generates a secret). */
function createBody(form: HTMLFormElement): CreateWebhookBody {
  const body: CreateWebhookBody = { url: value(form, 'url'), events: checkedEvents(form) };
  const secret = value(form, 'secret');
  if (secret !== '') body.secret = secret;
  const description = value(form, 'description');
  if (description !== '') body.description = description;
  return body;
}

/** The PATCH body: changed fields only; an emptied description is `""` (cleared). */
function updateBody(form: HTMLFormElement, hook: WebhookDto): UpdateWebhookBody {
  const body: UpdateWebhookBody = {};
  const url = value(form, 'url');
  if (url !== hook.url) body.url = url;
  const events = checkedEvents(form);
  if ([...events].sort().join() !== [...hook.events].sort().join()) body.events = events;
  const description = value(form, 'description');
  if (description !== (hook.description ?? '')) body.description = description;
  const secret = value(form, 'secret');
  if (secret !== '') body.secret = secret;
  return body;
}

/** The one time a secret is shown: right after registering (it is in no URL and no storage). */
function secretCard(made: CreatedWebhookDto): HTMLElement {
  return h(
    'div',
    { class: 'card', id: 'created-secret' },
    h('strong', {}, 'Webhook registered. '),
    'Its signing secret is shown this once (the API never returns it again): store it where your receiver verifies ',
    h('code', {}, 'Valkran-Signature'),
    '.',
    h('pre', { id: 'secret-value' }, made.secret),
    h('a', { href: webhookHref(made.id) }, `Open ${made.id}`),
  );
}

/** Every webhook with its health, and the form to register one. */
export async function webhooksView(ctx: ViewContext, created?: CreatedWebhookDto): Promise<void> {
  const hooks = await ctx.api.webhooks();
  if (!ctx.current()) return;
  const form = webhookForm();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    void ctx.api.createWebhook(createBody(form)).then(
      (made) => {
        ctx.flash(`Webhook ${made.id} registered.`);
        if (ctx.current()) void webhooksView(ctx, made).catch((err) => ctx.flash(errorText(err)));
      },
      (err) => showProblem(form, err),
    );
  });
  ctx.root.replaceChildren(
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Webhooks'),
      created ? secretCard(created) : null,
      table(
        'webhooks-table',
        ['Webhook', 'Events', 'Health', 'Last success', 'Last failure'],
        hooks.map((w) =>
          h(
            'tr',
            { 'data-webhook': w.id },
            h(
              'td',
              {},
              h('a', { href: webhookHref(w.id) }, w.url),
              h('div', { class: 'muted' }, w.description ?? '', ' ', h('code', {}, w.id)),
            ),
            h('td', { 'data-col': 'events' }, w.events.join(', ')),
            h('td', { 'data-col': 'health' }, health(w)),
            h('td', {}, when(w.lastSuccessAt)),
            h('td', {}, when(w.lastFailureAt)),
          ),
        ),
        'No webhooks: register one below.',
      ),
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'Register a webhook'), form),
  );
}

function deliveriesTable(attempts: DeliveryAttemptDto[]): HTMLElement {
  return table(
    'deliveries-table',
    ['When', 'Event', 'Attempt', 'Status', 'Time', 'Error', 'Next retry', 'Delivery'],
    attempts.map((d) =>
      h(
        'tr',
        {
          'data-delivery': d.deliveryId,
          'data-event': d.event,
          class: d.statusCode !== null && d.statusCode < 300 && d.statusCode >= 200 ? '' : 'failed',
        },
        h('td', {}, when(d.at)),
        h('td', {}, d.event),
        h('td', { class: 'num' }, num(d.attempt)),
        h('td', { class: 'num', 'data-col': 'status' }, d.statusCode ?? '—'),
        h('td', { class: 'num' }, `${num(d.durationMs)} ms`),
        h('td', { 'data-col': 'error' }, d.error ?? ''),
        h('td', {}, when(d.nextRetryAt)),
        h('td', {}, h('code', {}, d.deliveryId)),
      ),
    ),
    'No delivery attempts yet.',
  );
}

/** What a test ping did, in a line. */
function pingLine(p: TestDeliveryDto): HTMLElement {
  return h(
    'p',
    { id: 'ping-result', class: p.ok ? 'form-error ok' : 'form-error', 'data-ok': String(p.ok) },
    p.ok
      ? `Ping delivered: ${p.statusCode} in ${num(p.durationMs)} ms`
      : `Ping failed: ${p.statusCode === null ? (p.error ?? 'no answer') : `status ${p.statusCode}${p.error ? `, ${p.error}` : ''}`}`,
    ` (delivery ${p.deliveryId}).`,
  );
}

/**
 * One webhook: its health, a test ping, the deliveries log (the last 100 attempts, newest
 * first), the edit form and delete. The API has no enable/disable: a webhook is deleted, or its
 * events narrowed.
 */
export async function webhookView(
  ctx: ViewContext,
  id: string,
  pinged?: TestDeliveryDto,
): Promise<void> {
  const hook = await ctx.api.webhook(id);
  if (!ctx.current()) return;
  const log = h('div', { id: 'deliveries' }, 'Loading…');
  const ping = h('div', { id: 'ping' }, pinged ? pingLine(pinged) : null);

  const loadLog = async (): Promise<void> => {
    const list = await ctx.api.deliveries(id);
    if (ctx.current()) fill(log, deliveriesTable(list.deliveries));
  };
  const showError = (el: HTMLElement) => (err: unknown) => {
    if (ctx.current()) fill(el, h('p', { class: 'form-error' }, errorText(err)));
  };

  const test = async (): Promise<void> => {
    fill(ping, h('p', { class: 'muted' }, 'Sending a signed ping…'));
    try {
      const result = await ctx.api.testWebhook(id);
      // The health may have changed (a success clears `failing`): draw the page again.
      if (ctx.current()) await webhookView(ctx, id, result);
    } catch (err) {
      showError(ping)(err);
    }
  };

  const remove = async (): Promise<void> => {
    if (
      !(await ctx.confirm(
        `Delete webhook ${hook.id} (${hook.url})? Deliveries still queued for it are dropped.`,
      ))
    )
      return;
    try {
      await ctx.api.deleteWebhook(id);
      ctx.flash(`Webhook ${id} deleted.`);
      ctx.go('#/webhooks');
    } catch (err) {
      ctx.flash(errorText(err), 'error');
    }
  };

  const form = webhookForm(hook);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = updateBody(form, hook);
    if (Object.keys(body).length === 0) {
      showOk(form, 'Nothing changed.');
      return;
    }
    void ctx.api.updateWebhook(id, body).then(
      () => {
        ctx.flash(`Webhook ${id} saved.`);
        if (ctx.current()) void webhookView(ctx, id).catch(showError(ctx.root));
      },
      (err) => showProblem(form, err),
    );
  });

  const row = (k: string, v: string | Node, col?: string): HTMLElement[] => [
    h('dt', {}, k),
    h('dd', col ? { 'data-col': col } : {}, v),
  ];
  ctx.root.replaceChildren(
    h(
      'section',
      { class: 'panel' },
      h('p', {}, h('a', { href: '#/webhooks' }, '← Webhooks')),
      h(
        'div',
        { class: 'title-row' },
        h('h2', { id: 'webhook-title' }, hook.id),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', id: 'test-webhook', onclick: () => void test() },
            'Send test ping',
          ),
          h(
            'button',
            { type: 'button', id: 'delete-webhook', class: 'danger', onclick: () => void remove() },
            'Delete',
          ),
        ),
      ),
      ping,
      h(
        'dl',
        { class: 'config', id: 'webhook-health' },
        ...row('URL', hook.url),
        ...row('Events', hook.events.join(', ')),
        ...row('Description', hook.description ?? '—'),
        ...row('Health', health(hook), 'health'),
        ...row('Last success', when(hook.lastSuccessAt)),
        ...row('Last failure', when(hook.lastFailureAt)),
        ...row('Created', when(hook.createdAt)),
        ...row('Updated', when(hook.updatedAt)),
      ),
      h(
        'p',
        { class: 'muted' },
        'Failing: deliveries have failed for a day since the last success, or one ran out of retries. A failing webhook still gets deliveries; the next success (a retry, a new event or a test ping) clears it.',
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h(
        'div',
        { class: 'title-row' },
        h('h2', {}, 'Deliveries'),
        h(
          'button',
          {
            type: 'button',
            class: 'small secondary',
            id: 'deliveries-refresh',
            onclick: () => void loadLog().catch(showError(log)),
          },
          'Refresh',
        ),
      ),
      h(
        'p',
        { class: 'muted' },
        'The last 100 attempts, newest first; retries keep their delivery id.',
      ),
      log,
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'Edit'), form),
  );
  await loadLog().catch(showError(log));
}
