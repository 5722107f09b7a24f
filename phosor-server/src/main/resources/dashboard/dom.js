// Building DOM nodes without innerHTML: every text goes through createTextNode, so event text (attacker
// controlled: log lines, user names, summaries) is shown literally and never parsed as HTML.

/**
 * Creates an element. attrs: `class`, `on<event>` (a listener), `true` (empty attribute), anything else
 * an attribute set with setAttribute (never innerHTML). children: nodes, or values shown as text.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces every child of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A <time> element showing `iso` in the browser's locale. */
export function time(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', {}, String(iso));
  return h('time', {datetime: d.toISOString(), title: d.toISOString()}, d.toLocaleString());
}

const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];

/** A severity badge; the class picks a colour with AA contrast (style.css), the text says it too. */
export function severity(s) {
  const name = SEVERITIES.includes(s) ? s : 'informational';
  return h('span', {class: 'sev sev-' + name}, String(s ?? 'unknown'));
}

export {SEVERITIES};

/** Shows a short message in the polite live region. */
export function toast(message, isError = false) {
  const t = document.getElementById('toast');
  t.dataset.error = isError ? 'true' : 'false';
  t.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.textContent = ''; }, 6000);
}

/** Asks for confirmation in the modal dialog; resolves true when the user chose the action. */
export function confirmDialog(title, text, okLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  ok.textContent = okLabel;
  return new Promise((resolve) => {
    const done = (value) => {
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      dialog.close();
      resolve(value);
    };
    const yes = () => done(true);
    const no = (e) => { e?.preventDefault?.(); done(false); };
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
    cancel.focus();
  });
}
