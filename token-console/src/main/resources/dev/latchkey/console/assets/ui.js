// Small DOM helpers: no framework, and data only ever becomes text nodes, so nothing from the server can run.
import { t } from './strings.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];

export function relative(date, now = Date.now()) {
  const s = (date.getTime() - now) / 1000;
  for (const [unit, secs] of UNITS) {
    if (Math.abs(s) >= secs) return rtf.format(Math.round(s / secs), unit);
  }
  return rtf.format(Math.round(s), 'second');
}

/** A relative time with the exact local and UTC time on hover (title) and in datetime. */
export function time(iso, emptyKey = 'time.never') {
  if (!iso) return h('span', { class: 'muted' }, t(emptyKey));
  const d = new Date(iso);
  return h('time', { datetime: iso, title: t('time.exact', { local: d.toLocaleString('en'), iso }) }, relative(d));
}

export function badge(value, prefix = 'state') {
  return h('span', { class: `state state-${value}` }, t(`${prefix}.${value}`));
}

/** Shows an API error: on the field it names when the form has it, otherwise in the banner. */
export function showError(err, banner, form) {
  if (err.status === 401) {
    const login = document.querySelector('meta[name="latchkey-login"]').content;
    clear(banner, t('error.unauthenticated'), ' ',
      login ? h('a', { href: `${login}?next=${encodeURIComponent(location.pathname)}` }, t('error.signIn')) : t('error.signInHint'));
  } else if (err.status === 403) {
    clear(banner, t('error.forbidden', { message: err.message }));
  } else if (err.status === 503) {
    clear(banner, t('error.unavailable'));
  } else if (err.field && form && fieldError(form, err.field, err.message)) {
    clear(banner, t('error.fixField', { message: err.message }));
  } else {
    clear(banner, t('error.generic', { message: err.message }));
  }
  banner.className = 'banner error';
  banner.setAttribute('role', 'alert');
}

export function ok(banner, text) {
  clear(banner, text);
  banner.className = 'banner ok';
  banner.setAttribute('role', 'status');
}

/** Marks the input for field (data-field) invalid with message; false when the form has no such field. */
export function fieldError(form, field, message) {
  const input = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (!input) return false;
  input.setAttribute('aria-invalid', 'true');
  const err = form.querySelector(`#${CSS.escape(input.id)}-error`);
  if (err) err.textContent = message;
  input.focus();
  return true;
}

export function clearErrors(form) {
  form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field .error').forEach((e) => { e.textContent = ''; });
}

let seq = 0;
/** A labelled field with hint and error slots wired by aria-describedby. */
export function field({ label, hint, field: name, type = 'text', value, options, required, attrs = {} }) {
  const id = `f${++seq}-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  let input;
  if (options) {
    input = h('select', { id, name, 'data-field': name, 'aria-describedby': describedBy, required, ...attrs },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)));
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, 'data-field': name, 'aria-describedby': describedBy, checked: !!value, ...attrs });
    return h('div', { class: 'field check' }, input, h('label', { for: id }, label),
      hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, h('p', { class: 'error', id: `${id}-error` }));
  } else {
    input = h('input', { id, name, type, 'data-field': name, 'aria-describedby': describedBy, required, value: value ?? '', ...attrs });
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, h('p', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' }));
}

export function value(form, name) {
  const el = form.querySelector(`[data-field="${name}"]`);
  if (!el) return undefined;
  if (el.type === 'checkbox') return el.checked;
  return el.value.trim();
}

export function list(text) {
  return text ? text.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** A modal dialog; resolves with the form's data when confirmed, null when cancelled. Esc cancels. */
export function confirmDialog({ title, text, fields = [], confirm, danger }) {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog' });
    const titleId = `d${++seq}`;
    const dlg = h('dialog', { 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title), text ? h('p', {}, text) : null, form);
    form.append(...fields, h('div', { class: 'actions' },
      h('button', { type: 'submit', class: danger ? 'danger primary' : 'primary', value: 'ok' }, confirm),
      h('button', { type: 'button', onclick: () => dlg.close('cancel') }, t('action.cancel'))));
    let result = null;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      result = form;
      dlg.close('ok');
    });
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = form.querySelector('input, select, textarea');
    if (first) first.focus();
  });
}

export function pager(page, size, total, go) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (total <= size && page === 0) return null;
  return h('nav', { class: 'pager', 'aria-label': t('pager.label') },
    h('button', { type: 'button', disabled: page <= 0, onclick: () => go(page - 1) }, t('pager.prev')),
    h('span', { 'aria-live': 'polite' }, t('pager.summary', { page: page + 1, pages, total })),
    h('button', { type: 'button', disabled: page + 1 >= pages, onclick: () => go(page + 1) }, t('pager.next')));
}

/** A table that stacks into cards on narrow screens; columns: [labelKey, cell(row)]. */
export function table(caption, columns, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', { scope: 'col' }, t(label))))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r.id }, columns.map(([label, cell]) => h('td', { 'data-label': t(label) }, cell(r))))))));
}

export function dateToInstant(d) {
  return d ? `${d}T00:00:00Z` : '';
}
