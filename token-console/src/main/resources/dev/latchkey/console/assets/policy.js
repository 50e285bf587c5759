// Policy: every setting of the policy in force, editable; a 400 from the server is shown on the setting it names.
import { t, has } from './strings.js';
import { h, clear, showError, ok, field, clearErrors } from './ui.js';
import { call } from './api.js';

const GROUPS = ['useTokens', 'createTokens', 'manageTokens', 'administerPolicy'];

export async function renderPolicy(main) {
  const banner = h('div', { class: 'banner', 'aria-live': 'polite' });
  const slot = h('div');
  clear(main, h('h1', {}, t('policy.title')), h('p', { class: 'intro' }, t('policy.intro')), banner, slot);
  let current;
  try {
    current = await call('GET', '/admin/policy');
  } catch (err) {
    showError(err, banner);
    return;
  }
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' }, Object.entries(current).map(([name, v]) => {
      const label = has(`policy.${name}`) ? t(`policy.${name}`) : name;
      const hint = GROUPS.includes(name) ? t('policy.groups') : (has(`policy.${name}.hint`) ? t(`policy.${name}.hint`) : null);
      const isBool = v === 'true' || v === 'false';
      return field({ label, hint, field: name, value: v, options: isBool ? [['true', 'true'], ['false', 'false']] : null, attrs: { autocomplete: 'off', spellcheck: 'false' } });
    })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('policy.save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const changes = {};
    for (const name of Object.keys(current)) {
      const v = form.querySelector(`[data-field="${name}"]`).value.trim();
      if (v !== current[name]) changes[name] = v;
    }
    if (!Object.keys(changes).length) {
      ok(banner, t('policy.unchanged'));
      return;
    }
    try {
      current = await call('PUT', '/admin/policy', { body: changes });
      ok(banner, t('policy.saved'));
    } catch (err) {
      showError(err, banner, form);
    }
  });
  clear(slot, form);
}
