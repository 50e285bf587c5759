// Audit log: filter by type, actor, owner, token, outcome and time range; newest first; paged.
import { t } from './strings.js';
import { h, clear, time, badge, showError, table, pager, field, value, clearErrors, dateToInstant } from './ui.js';
import { call } from './api.js';

const TYPES = ['TOKEN_CREATED', 'TOKEN_UPDATED', 'TOKEN_ROTATED', 'TOKEN_REVOKED', 'TOKEN_CREATE_DENIED', 'TOKEN_MANAGE_DENIED',
  'TOKENS_PURGED', 'POLICY_CHANGED', 'POLICY_CHANGE_DENIED', 'AUTHENTICATION_REFUSED', 'PASSWORD_AUTH_REFUSED'];

export async function renderAudit(main) {
  const banner = h('div', { class: 'banner', 'aria-live': 'polite' });
  const results = h('div', { 'aria-busy': 'true' });
  const size = 50;
  let page = 0;
  let filters = {};
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      field({ label: t('audit.type'), field: 'type', options: [['', t('any')], ...TYPES.map((x) => [x, x])] }),
      field({ label: t('audit.actor'), field: 'actor', attrs: { autocomplete: 'off' } }),
      field({ label: t('audit.owner'), field: 'owner', attrs: { autocomplete: 'off' } }),
      field({ label: t('audit.tokenId'), field: 'tokenId', attrs: { autocomplete: 'off' } }),
      field({ label: t('audit.outcome'), field: 'outcome', options: [['', t('any')], ['SUCCESS', 'SUCCESS'], ['FAILURE', 'FAILURE']] }),
      field({ label: t('audit.from'), field: 'from', type: 'date' }),
      field({ label: t('audit.to'), field: 'to', type: 'date' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('audit.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filters = {};
    for (const k of ['type', 'actor', 'owner', 'tokenId', 'outcome']) if (value(form, k)) filters[k] = value(form, k);
    if (value(form, 'from')) filters.from = dateToInstant(value(form, 'from'));
    if (value(form, 'to')) filters.to = dateToInstant(value(form, 'to'));
    page = 0;
    load();
  });
  clear(main, h('h1', {}, t('audit.title')), h('p', { class: 'intro' }, t('audit.intro')), banner,
    h('section', { class: 'panel', 'aria-label': t('manager.filters') }, form), results);

  async function load() {
    clearErrors(form);
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await call('GET', '/admin/audit', { params: { ...filters, page, size } });
      clear(results, data.items.length
        ? [table(t('audit.title'), [
          ['audit.col.at', (e) => time(e.at)],
          ['audit.col.type', (e) => h('span', { class: 'mono' }, e.type)],
          ['audit.col.actor', (e) => e.actor || ''],
          ['audit.col.token', (e) => (e.tokenId ? h('span', {}, h('span', { class: 'mono' }, e.tokenId), e.tokenOwner ? ` (${e.tokenOwner})` : '') : '')],
          ['audit.col.ip', (e) => h('span', { class: 'mono' }, e.clientIp || '')],
          ['audit.col.outcome', (e) => badge(e.outcome)],
          ['audit.col.reason', (e) => h('span', {}, e.reason || '', e.details && Object.keys(e.details).length
            ? h('span', { class: 'muted mono' }, ` ${Object.entries(e.details).map(([k, v]) => `${k}=${v}`).join(' ')}`) : '')],
        ], data.items.map((e, i) => ({ ...e, id: `${page}-${i}` }))), pager(page, size, data.total, (p) => { page = p; load(); })]
        : h('p', { class: 'empty' }, t('audit.empty')));
    } catch (err) {
      showError(err, banner, form);
      clear(results);
    }
    results.setAttribute('aria-busy', 'false');
  }
  await load();
}
