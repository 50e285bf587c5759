// Token manager: all users' tokens with the API's filters, sort and paging; create on behalf / service tokens;
// revoke one, or every active token matching the current filter after a confirmation that states the count.
import { t } from './strings.js';
import { h, clear, showError, ok, table, pager, confirmDialog, field, value, clearErrors, dateToInstant } from './ui.js';
import { call } from './api.js';
import { tokenForm, secretPanel } from './tokenform.js';
import { tokenColumns, revokeToken } from './mine.js';

const SORTS = ['-createdAt', 'createdAt', 'expiresAt', '-lastUsedAt', 'lastUsedAt', 'name', 'owner'];
const DATES = ['createdAfter', 'createdBefore', 'expiresBefore', 'lastUsedBefore'];

export async function renderManager(main) {
  const banner = h('div', { class: 'banner', 'aria-live': 'polite' });
  const secretSlot = h('div');
  const results = h('div', { 'aria-busy': 'true' });
  let page = 0;
  let filters = {};

  const filterForm = h('form', { novalidate: true, id: 'filters', 'aria-labelledby': 'filters-title' },
    h('div', { class: 'grid' },
      field({ label: t('manager.owner'), field: 'owner', attrs: { autocomplete: 'off' } }),
      field({ label: t('manager.q'), field: 'q', type: 'search', attrs: { autocomplete: 'off' } }),
      field({ label: t('manager.kind'), field: 'kind', options: [['', t('any')], ['PERSONAL', t('kind.PERSONAL')], ['SERVICE', t('kind.SERVICE')]] }),
      field({ label: t('manager.state'), field: 'state', options: [['', t('any')], ...['ACTIVE', 'EXPIRED', 'REVOKED'].map((s) => [s, t(`state.${s}`)])] }),
      ...DATES.map((d) => field({ label: t(`manager.${d}`), field: d, type: 'date' })),
      field({ label: t('manager.sort'), field: 'sort', options: SORTS.map((s) => [s, t(`sort.${s}`)]) }),
      field({ label: t('manager.size'), field: 'size', options: [['20', '20'], ['50', '50'], ['100', '100']] }),
      field({ label: t('manager.neverUsed'), field: 'neverUsed', type: 'checkbox' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('manager.apply')),
      h('button', { type: 'reset' }, t('manager.reset')),
      h('button', { type: 'button', class: 'danger', id: 'bulk-revoke', onclick: () => bulk() }, t('manager.bulk'))));

  const readFilters = () => {
    const f = {};
    for (const k of ['owner', 'q', 'kind', 'state']) if (value(filterForm, k)) f[k] = value(filterForm, k);
    for (const d of DATES) if (value(filterForm, d)) f[d] = dateToInstant(value(filterForm, d));
    if (value(filterForm, 'neverUsed')) f.neverUsed = true;
    return f;
  };
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    filters = readFilters();
    page = 0;
    load();
  });
  filterForm.addEventListener('reset', () => setTimeout(() => { filters = {}; page = 0; load(); }, 0));

  clear(main,
    h('h1', {}, t('manager.title')),
    h('p', { class: 'intro' }, t('manager.intro')),
    banner,
    secretSlot,
    h('details', { class: 'panel' }, h('summary', {}, t('form.createOnBehalfTitle')),
      tokenForm({ admin: true, levels: ['READ', 'WRITE', 'ADMIN'], onCreated: (answer) => {
        clear(secretSlot, secretPanel(answer, () => main.focus()));
        secretSlot.querySelector('.secret').focus();
        load();
      } })),
    h('section', { class: 'panel' }, h('h2', { id: 'filters-title' }, t('manager.filters')), filterForm),
    h('h2', {}, t('manager.results')),
    results);

  async function load() {
    clearErrors(filterForm);
    results.setAttribute('aria-busy', 'true');
    const size = Number(value(filterForm, 'size'));
    try {
      const data = await call('GET', '/admin/tokens', { params: { ...filters, sort: value(filterForm, 'sort'), page, size } });
      const actions = ['col.actions', (r) => (r.state === 'ACTIVE' ? h('button', { type: 'button', class: 'small danger',
        'aria-label': t('action.label', { action: t('action.revoke'), name: r.name }),
        onclick: () => revokeToken(r, '/admin/tokens', banner, load) }, t('action.revoke')) : '')];
      clear(results, data.items.length
        ? [table(t('manager.results'), [...tokenColumns([['col.owner', (r) => r.owner], ['col.kind', (r) => t(`kind.${r.kind}`)]]), actions], data.items),
          pager(page, size, data.total, (p) => { page = p; load(); })]
        : h('p', { class: 'empty' }, t('manager.empty')));
    } catch (err) {
      showError(err, banner, filterForm);
      clear(results);
    }
    results.setAttribute('aria-busy', 'false');
  }

  async function bulk() {
    // the count the confirmation states: the active tokens the current filter matches right now
    const f = { ...filters };
    if (f.state && f.state !== 'ACTIVE') {
      ok(banner, t('manager.bulkNone'));
      return;
    }
    let count;
    try {
      count = (await call('GET', '/admin/tokens', { params: { ...f, state: 'ACTIVE', page: 0, size: 1 } })).total;
    } catch (err) {
      showError(err, banner, filterForm);
      return;
    }
    if (!count) {
      ok(banner, t('manager.bulkNone'));
      return;
    }
    const described = Object.keys(f).length ? Object.entries(f).map(([k, v]) => `${k} = ${v}`).join(', ') : t('manager.bulkNoFilter');
    const reason = field({ label: t('revoke.reason'), hint: t('revoke.reasonHint'), field: 'reason', attrs: { maxlength: 500, autocomplete: 'off' } });
    const form = await confirmDialog({ title: t('manager.bulkTitle', { count }), text: t('manager.bulkText', { filters: described, count }),
      fields: [reason], confirm: t('manager.bulkConfirm', { count }), danger: true });
    if (!form) return;
    const body = Object.keys(f).length ? { ...f } : { all: true };
    if (value(form, 'reason')) body.reason = value(form, 'reason');
    try {
      const answer = await call('POST', '/admin/tokens/revoke', { body });
      ok(banner, t('manager.bulkDone', { count: answer.revoked }));
      load();
    } catch (err) {
      showError(err, banner, filterForm);
    }
  }

  await load();
}
