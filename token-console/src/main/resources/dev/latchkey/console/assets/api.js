// The token REST API, called with the host's session (never a token). Bodies are JSON, which is the API's CSRF
// defence: a cross-site form cannot send application/json.
import { t } from './strings.js';

const API = document.querySelector('meta[name="latchkey-api"]').content;

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.field = body && body.field;
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function call(method, path, { params, body } = {}) {
  // X-Requested-With: hosts commonly answer a script's 401 without a Basic challenge (no browser password dialog)
  const init = { method, headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API + path + query(params), init);
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: t('error.network') });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!res.ok) throw new ApiError(res.status, data || { message: `HTTP ${res.status}` });
  return data;
}

/** What the signed-in user may do; null when the API has no /me (then everything is offered and the server decides). */
export async function me() {
  try {
    return await call('GET', '/me');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

export const LEVELS = ['READ', 'WRITE', 'ADMIN'];

/** The levels up to max (all when max is undefined: unknown). */
export function levelsUpTo(max) {
  if (max === undefined) return LEVELS;
  if (!max) return [];
  return LEVELS.slice(0, LEVELS.indexOf(max) + 1);
}
