// The create-token form, shared by My tokens and the token manager, and the panel that shows a secret once.
import { t } from './strings.js';
import { h, field, value, list, clear, clearErrors, showError } from './ui.js';
import { call } from './api.js';

/** admin: the token manager's variant (owner, kind, resource). levels: what to offer. onCreated(answer). */
export function tokenForm({ admin, levels, maxLevel, onCreated }) {
  const banner = h('div', { class: 'banner', 'aria-live': 'assertive' });
  const levelOpts = levels.map((l) => [l, t(`level.${l}`)]);
  const form = h('form', { novalidate: true },
    banner,
    h('div', { class: 'grid' },
      admin ? field({ label: t('form.owner'), hint: t('form.ownerHint'), field: 'owner', attrs: { autocomplete: 'off' } }) : null,
      admin ? field({ label: t('form.kind'), field: 'kind', options: [['PERSONAL', t('kind.PERSONAL')], ['SERVICE', t('kind.SERVICE')]] }) : null,
      admin ? field({ label: t('form.resource'), hint: t('form.resourceHint'), field: 'resource', attrs: { autocomplete: 'off' } }) : null,
      field({ label: t('form.name'), hint: t('form.nameHint'), field: 'name', required: true, attrs: { autocomplete: 'off', maxlength: 200 } }),
      field({ label: t('form.level'), hint: t('form.levelHint') + (maxLevel ? ` ${t('form.levelLimited', { level: t(`level.${maxLevel}`) })}` : ''),
        field: 'level', options: levelOpts, value: levels[0] }),
      field({ label: t('form.expires'), hint: t('form.expiresHint'), field: 'expiresInDays', type: 'number', value: '30', attrs: { min: 1, max: 36500, inputmode: 'numeric' } }),
      field({ label: t('form.resources'), hint: t('form.resourcesHint'), field: 'resources', attrs: { autocomplete: 'off' } }),
      field({ label: t('form.cidrs'), hint: t('form.cidrsHint'), field: 'allowedCidrs', attrs: { autocomplete: 'off' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('form.create'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    clear(banner);
    banner.className = 'banner';
    const body = { name: value(form, 'name'), level: value(form, 'level') };
    const days = value(form, 'expiresInDays');
    if (days) body.expiresInDays = /^\d+$/.test(days) ? Number(days) : days;
    const resources = list(value(form, 'resources'));
    const cidrs = list(value(form, 'allowedCidrs'));
    if (cidrs.length) body.allowedCidrs = cidrs;
    if (admin) {
      if (value(form, 'owner')) body.owner = value(form, 'owner');
      if (value(form, 'kind') === 'SERVICE') {
        body.kind = 'SERVICE';
        body.resource = value(form, 'resource');
      }
    }
    if (resources.length) body.resources = resources;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    button.textContent = t('form.creating');
    try {
      const answer = await call('POST', admin ? '/admin/tokens' : '/tokens', { body });
      form.reset();
      onCreated(answer);
    } catch (err) {
      showError(err, banner, form);
    } finally {
      button.disabled = false;
      button.textContent = t('form.create');
    }
  });
  return form;
}

/**
 * Shows a new secret once, in page memory only: it is never stored, and leaving or reloading the page drops
 * it. The caller replaces the panel's content when the user dismisses it.
 */
export function secretPanel(answer, onDismiss) {
  const status = h('p', { role: 'status', 'aria-live': 'polite' });
  const input = h('input', { id: 'new-secret', type: 'text', readonly: true, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'secret-once', class: 'mono' });
  input.value = answer.token;
  const panel = h('section', { class: 'secret', 'aria-labelledby': 'secret-title', tabindex: '-1' },
    h('h2', { id: 'secret-title' }, t('secret.title')),
    h('p', { id: 'secret-once' }, h('strong', {}, t('secret.once', { name: answer.name }))),
    h('div', { class: 'row' },
      h('label', { for: 'new-secret', class: 'sr-only' }, t('secret.label')), input,
      h('button', { type: 'button', class: 'primary', id: 'copy-secret', onclick: async () => {
        try {
          await navigator.clipboard.writeText(input.value);
          status.textContent = t('secret.copied');
        } catch (e) {
          input.select();
          status.textContent = document.execCommand('copy') ? t('secret.copied') : t('secret.copyFailed');
        }
      } }, t('secret.copy'))),
    h('p', { class: 'hint' }, t('secret.usage')),
    status,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => {
      input.value = '';
      panel.remove();
      onDismiss();
    } }, t('secret.dismiss'))));
  return panel;
}
