// My tokens: list, create (secret shown once), rotate, revoke with a reason, edit name / narrow restrictions.
import { t } from './strings.js';
import { h, clear, time, badge, showError, ok, table, pager, confirmDialog, field, value, list } from './ui.js';
import { call, levelsUpTo } from './api.js';
import { tokenForm, secretPanel } from './tokenform.js';

export function tokenColumns(extra = []) {
  return [
    ['col.name', (r) => h('span', {}, r.name, h('br'), h('span', { class: 'muted mono' }, r.hint))],
    ...extra,
    ['col.state', (r) => badge(r.state)],
    ['col.level', (r) => t(`level.${r.level}`)],
    ['col.resources', (r) => (r.resources && r.resources.length ? h('span', { class: 'mono' }, r.resources.join(', ')) : h('span', { class: 'muted' }, t('all.resources')))],
    ['col.cidrs', (r) => (r.allowedCidrs && r.allowedCidrs.length ? h('span', { class: 'mono' }, r.allowedCidrs.join(', ')) : h('span', { class: 'muted' }, t('all.cidrs')))],
    ['col.created', (r) => time(r.createdAt)],
    ['col.expires', (r) => time(r.expiresAt, 'time.noExpiry')],
    ['col.lastUsed', (r) => (r.lastUsedAt ? h('span', {}, time(r.lastUsedAt), r.lastUsedIp ? h('br') : null,
      r.lastUsedIp ? h('span', { class: 'muted mono' }, t('lastUsed.from', { ip: r.lastUsedIp })) : null) : time(null))],
  ];
}

export async function revokeToken(r, path, banner, after) {
  const reason = field({ label: t('revoke.reason'), hint: t('revoke.reasonHint'), field: 'reason', attrs: { maxlength: 500, autocomplete: 'off' } });
  const form = await confirmDialog({ title: t('revoke.title', { name: r.name }), text: t('revoke.text'), fields: [reason], confirm: t('revoke.confirm'), danger: true });
  if (!form) return;
  try {
    await call('DELETE', `${path}/${encodeURIComponent(r.id)}`, { params: { reason: value(form, 'reason') } });
    ok(banner, t('revoke.done', { name: r.name }));
    after();
  } catch (err) {
    showError(err, banner);
  }
}

export async function renderMine(main, me) {
  const banner = h('div', { class: 'banner', 'aria-live': 'polite' });
  const secretSlot = h('div');
  const listSlot = h('div', { 'aria-busy': 'true' });
  const levels = levelsUpTo(me ? me.maxLevel : undefined);
  const mayCreate = !me || (me.createTokens && levels.length > 0);
  let page = 0;
  const size = 20;

  const showSecret = (answer) => {
    clear(secretSlot, secretPanel(answer, () => main.focus()));
    secretSlot.querySelector('.secret').focus();
    load();
  };

  clear(main,
    h('h1', {}, t('mine.title')),
    h('p', { class: 'intro' }, t('mine.intro')),
    banner,
    secretSlot,
    mayCreate
      ? h('section', { class: 'panel', 'aria-labelledby': 'create-title' }, h('h2', { id: 'create-title' }, t('form.createTitle')),
        tokenForm({ admin: false, levels, maxLevel: me ? me.maxLevel : null, onCreated: showSecret }))
      : h('p', { class: 'banner' }, t('mine.mayNotCreate')),
    h('h2', { id: 'list-title' }, t('mine.listTitle')),
    listSlot);

  async function load() {
    listSlot.setAttribute('aria-busy', 'true');
    try {
      const data = await call('GET', '/tokens', { params: { page, size } });
      const actions = ['col.actions', (r) => (r.state === 'REVOKED' ? '' : h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', 'aria-label': t('action.label', { action: t('action.edit'), name: r.name }), onclick: () => edit(r) }, t('action.edit')),
        r.state === 'ACTIVE' ? h('button', { type: 'button', class: 'small', 'aria-label': t('action.label', { action: t('action.rotate'), name: r.name }), onclick: () => rotate(r) }, t('action.rotate')) : null,
        h('button', { type: 'button', class: 'small danger', 'aria-label': t('action.label', { action: t('action.revoke'), name: r.name }), onclick: () => revokeToken(r, '/tokens', banner, load) }, t('action.revoke'))))];
      clear(listSlot, data.items.length
        ? [table(t('mine.listTitle'), [...tokenColumns(), actions], data.items), pager(page, size, data.total, (p) => { page = p; load(); })]
        : h('p', { class: 'empty' }, t('mine.empty')));
    } catch (err) {
      showError(err, banner);
      clear(listSlot);
    }
    listSlot.setAttribute('aria-busy', 'false');
  }

  async function rotate(r) {
    const form = await confirmDialog({ title: t('rotate.title', { name: r.name }), text: t('rotate.text'), confirm: t('rotate.confirm') });
    if (!form) return;
    try {
      showSecret(await call('POST', `/tokens/${encodeURIComponent(r.id)}/rotate`, { body: {} }));
    } catch (err) {
      showError(err, banner);
    }
  }

  async function edit(r) {
    const offered = levelsUpTo(me ? me.maxLevel : undefined);
    const levelOptions = (offered.includes(r.level) ? offered : [...offered, r.level]).map((l) => [l, t(`level.${l}`)]);
    const fields = [
      field({ label: t('form.name'), field: 'name', value: r.name, required: true, attrs: { maxlength: 200, autocomplete: 'off' } }),
      field({ label: t('form.level'), field: 'level', options: levelOptions, value: r.level }),
      field({ label: t('form.resources'), hint: t('form.resourcesHint'), field: 'resources', value: (r.resources || []).join(', '), attrs: { autocomplete: 'off' } }),
      field({ label: t('form.cidrs'), hint: t('form.cidrsHint'), field: 'allowedCidrs', value: (r.allowedCidrs || []).join(', '), attrs: { autocomplete: 'off' } }),
    ];
    const form = await confirmDialog({ title: t('edit.title', { name: r.name }), text: t('edit.text'), fields, confirm: t('action.save') });
    if (!form) return;
    const body = {};
    if (value(form, 'name') !== r.name) body.name = value(form, 'name');
    if (value(form, 'level') !== r.level) body.level = value(form, 'level');
    const res = list(value(form, 'resources'));
    if (res.join(',') !== (r.resources || []).join(',')) body.resources = res;
    const cidrs = list(value(form, 'allowedCidrs'));
    if (cidrs.join(',') !== (r.allowedCidrs || []).join(',')) body.allowedCidrs = cidrs;
    if (!Object.keys(body).length) {
      ok(banner, t('edit.nothing'));
      return;
    }
    try {
      const saved = await call('PATCH', `/tokens/${encodeURIComponent(r.id)}`, { body });
      ok(banner, t('edit.done', { name: saved.name }));
      load();
    } catch (err) {
      showError(err, banner);
    }
  }

  await load();
}
