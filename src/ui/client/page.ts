/// <reference lib="dom" />
// The web view's script, bundled by scripts/build.js into dist/ui/page.js: the live part of an environment page
// follows the server's event stream, and the controls ask to confirm, then send the update through the server.

const live = document.querySelector<HTMLElement>('#live');
if (live) {
  const id = live.dataset.workflowId!;
  const events = new EventSource(`/events?id=${encodeURIComponent(id)}`);
  events.addEventListener('view', (event) => {
    live.innerHTML = (event as MessageEvent<string>).data;
  });
}

const dialog = document.querySelector<HTMLDialogElement>('#confirm');
const result = document.querySelector<HTMLElement>('#result');

function show(kind: 'accepted' | 'refused', message: string): void {
  result!.className = kind;
  result!.textContent = message;
}

/** Where a control goes: a promotion's approve/reject to /approvals, a lifecycle run's control to /actions. */
function request(button: HTMLButtonElement, fields: FormData): { url: string; body: object } {
  const action = button.dataset.action!;
  const common = { name: fields.get('name'), reason: fields.get('reason') || undefined };
  const promotionId = button.dataset.promotion;
  if (promotionId) return { url: '/approvals', body: { kind: action, promotionId, ...common } };
  return { url: '/actions', body: { action, workflowId: live?.dataset.workflowId ?? button.dataset.target, ...common } };
}

// Delegated, so the buttons of a promotion card the server sends back after a decision answer too.
document.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
  if (!button || !dialog) return;
  const action = button.dataset.action!;
  const form = dialog.querySelector('form')!;
  // Each action asks afresh: a name or token typed for the last one does not carry over to a teardown.
  form.reset();
  dialog.querySelector('#confirm-question')!.textContent =
    `${action} ${button.dataset.promotion ?? live?.dataset.workflowId ?? button.dataset.target ?? ''}?`;
  dialog.returnValue = '';
  dialog.showModal();
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'confirm') return show('refused', `${action} cancelled`);
      const fields = new FormData(form);
      const { url, body } = request(button, fields);
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-baton-token': String(fields.get('token') ?? '') },
        body: JSON.stringify(body),
      });
      const reply = (await answer.json()) as { message: string; html?: string };
      // A decided-on promotion's card comes back with its new state and trail, replacing the old one.
      if (reply.html) button.closest('[data-promotion-id]')?.replaceWith(document.createRange().createContextualFragment(reply.html));
      show(answer.ok ? 'accepted' : 'refused', `${answer.ok ? '' : 'refused: '}${reply.message}`);
    },
    { once: true },
  );
});
