// The one localisable strings bundle (strings.<lang>.json beside this module); English first.
const assets = document.querySelector('meta[name="latchkey-assets"]').content;
let bundle = {};

export async function loadStrings() {
  const res = await fetch(`${assets}/strings.en.json`, { credentials: 'same-origin' });
  bundle = await res.json();
}

/** The string for key with {placeholders} filled; the key itself when missing, so a gap is visible. */
export function t(key, params = {}) {
  const s = Object.prototype.hasOwnProperty.call(bundle, key) ? bundle[key] : key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(bundle, key);
}
