// Boot: strings, who is signed in and what they may do, the navigation, then the page the server named.
import { loadStrings, t } from './strings.js';
import { h, clear, showError } from './ui.js';
import { me as whoAmI } from './api.js';
import { renderMine } from './mine.js';
import { renderManager } from './manager.js';
import { renderAudit } from './audit.js';
import { renderPolicy } from './policy.js';

const meta = (n) => document.querySelector(`meta[name="latchkey-${n}"]`).content;
const PAGES = {
  mine: { path: '/', title: 'nav.mine', render: renderMine, shown: () => true },
  manager: { path: '/manager', title: 'nav.manager', render: renderManager, shown: (m) => !m || m.manageTokens },
  audit: { path: '/audit', title: 'nav.audit', render: renderAudit, shown: (m) => !m || m.manageTokens || m.administerPolicy },
  policy: { path: '/policy', title: 'nav.policy', render: renderPolicy, shown: (m) => !m || m.administerPolicy },
};

async function boot() {
  await loadStrings();
  const main = document.getElementById('main');
  const page = meta('page');
  const base = meta('base');
  document.title = `${t(PAGES[page].title)} · ${t('app.title')}`;
  let me = null;
  try {
    me = await whoAmI();
  } catch (err) {
    const banner = h('div');
    clear(main, h('h1', {}, t(PAGES[page].title)), banner);
    showError(err, banner);
    return;
  }
  const nav = document.getElementById('nav');
  clear(nav, h('ul', {}, Object.entries(PAGES).filter(([, p]) => p.shown(me)).map(([id, p]) => h('li', {},
    h('a', { href: base + p.path, 'aria-current': id === page ? 'page' : null }, t(p.title))))));
  if (me && me.user) nav.after(h('p', { class: 'user' }, t('nav.signedInAs', { user: me.user })));
  await PAGES[page].render(main, me);
}

boot();
