// Sources (every role): per-source counters from /api/sources with the events/s rate between two readings,
// parse failures, PII detections, rate-limit violations and reputation; tailed files, added and removed by
// admins. Audit (admins): the newest entries of the hash-chained audit log with actor and action filters.

import {api, me} from './api.js';
import {h, fill, time, toast} from './dom.js';

const isAdmin = () => { const s = me(); return !!s && (s.role === 'admin' || s.kind === 'api_token'); };
const n = (v) => Number(v ?? 0).toLocaleString();

export function mountSources(view) {
  const body = h('tbody', {});
  const files = h('ul', {class: 'plain', id: 'file-list'});
  const path = h('input', {id: 'file-path', name: 'filepath', maxlength: 4096, autocomplete: 'off', placeholder: '/var/log/auth.log'});
  const problem = h('p', {id: 'file-problem', class: 'error', role: 'alert'});
  const add = h('form', {class: 'card', id: 'file-form', 'aria-labelledby': 'file-title'},
      h('h2', {id: 'file-title'}, 'Tail a file'),
      h('label', {for: 'file-path'}, 'Absolute path (inside PHOSOR_FILE_ALLOWED_DIRS)'), ' ', path, ' ',
      h('button', {type: 'submit', id: 'file-add'}, 'Add file'), problem);
  add.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    try {
      await api('POST', '/api/sources/file/add', {filepath: path.value.trim()});
      toast('Tailing ' + path.value.trim() + '.');
      path.value = '';
      load();
    } catch (err) {
      problem.textContent = err.message;
    }
  });
  fill(view, h('h1', {}, 'Sources'),
      h('div', {class: 'table-wrap'}, h('table', {id: 'source-table'},
          h('caption', {class: 'sr-only'}, 'Sources and their counters'),
          h('thead', {}, h('tr', {}, ['Source', 'Events/s', 'Received', 'Parse failures', 'PII', 'Rate-limited',
            'Reputation', 'Last seen'].map((c) => h('th', {scope: 'col'}, c)))),
          body)),
      h('h2', {}, 'Tailed files'), files, isAdmin() ? add : null);

  let previous = new Map();
  let previousAt = 0;
  async function load() {
    try {
      const data = await api('GET', '/api/sources');
      const now = Date.now();
      const seconds = previousAt ? (now - previousAt) / 1000 : 0;
      fill(body, (data.sources || []).map((s) => {
        const before = previous.get(s.id);
        const rate = seconds > 0 && before != null ? Math.max(0, (Number(s.received) - before) / seconds) : null;
        return h('tr', {'data-id': String(s.id)},
            h('td', {}, h('code', {}, String(s.id)), ' ', h('span', {class: 'muted'}, String(s.kind ?? ''))),
            h('td', {class: 'num'}, rate == null ? '…' : rate.toFixed(1)),
            h('td', {class: 'num'}, n(s.received)),
            h('td', {class: 'num'}, n(s.parse_failures)),
            h('td', {class: 'num'}, n(s.pii_detections)),
            h('td', {class: 'num'}, n(s.rate_limited)),
            h('td', {class: 'num'}, String(Number(s.reputation ?? 100))),
            h('td', {}, time(s.last_seen)));
      }));
      previous = new Map((data.sources || []).map((s) => [s.id, Number(s.received)]));
      previousAt = now;
      fill(files, (data.files || []).map((f) => {
        const p = String(f.path ?? f.filepath ?? '');
        return h('li', {}, h('code', {}, p), ' ',
            h('span', {class: 'muted'}, Object.entries(f).filter(([k]) => k !== 'path' && k !== 'filepath')
                .map(([k, v]) => k + ' ' + (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' · ')), ' ',
            isAdmin() ? h('button', {type: 'button', 'aria-label': 'Stop tailing ' + p, onclick: () => remove(p)}, 'Remove') : null);
      }));
      if (!(data.files || []).length) fill(files, h('li', {class: 'muted'}, 'No tailed files.'));
    } catch (e) {
      toast('Could not load sources: ' + e.message, true);
    }
  }

  async function remove(p) {
    try {
      await api('POST', '/api/sources/file/remove', {filepath: p});
      toast('Stopped tailing ' + p + '.');
      load();
    } catch (e) {
      toast('Could not remove ' + p + ': ' + e.message, true);
    }
  }

  load();
  return {
    onLive(msg) {
      if (msg.type === 'stats') load(); // the feed's stats tick paces the refresh (events/s between readings)
    },
  };
}

export function mountAudit(view) {
  const actor = h('input', {id: 'audit-actor', name: 'actor', maxlength: 128, autocomplete: 'off'});
  const action = h('input', {id: 'audit-action', name: 'action', maxlength: 256, autocomplete: 'off', placeholder: 'login or user.*'});
  const body = h('tbody', {});
  const problem = h('p', {class: 'error', role: 'alert', id: 'audit-problem'});
  const form = h('form', {class: 'filters card', id: 'audit-form'},
      h('label', {for: 'audit-actor'}, 'Actor'), actor, h('label', {for: 'audit-action'}, 'Action'), action,
      h('button', {type: 'submit'}, 'Filter'));
  fill(view, h('h1', {}, 'Audit log'), form, problem,
      h('div', {class: 'table-wrap'}, h('table', {id: 'audit-table'},
          h('caption', {class: 'sr-only'}, 'Audit entries, newest first'),
          h('thead', {}, h('tr', {}, ['Time', 'Actor', 'Address', 'Action', 'Target', 'Outcome'].map((c) => h('th', {scope: 'col'}, c)))),
          body)));
  async function load() {
    problem.textContent = '';
    const q = new URLSearchParams({limit: '200'});
    if (actor.value.trim()) q.set('actor', actor.value.trim());
    if (action.value.trim()) q.set('action', action.value.trim());
    try {
      const data = await api('GET', '/api/audit?' + q);
      fill(body, (data.entries || []).map((e) => h('tr', {},
          h('td', {}, time(e.ts)), h('td', {}, String(e.actor ?? ''), e.role ? h('span', {class: 'muted'}, ' ' + e.role) : null),
          h('td', {}, String(e.address ?? '')), h('td', {}, h('code', {}, String(e.action ?? ''))),
          h('td', {}, String(e.target ?? '')), h('td', {}, String(e.outcome ?? '')))));
    } catch (err) {
      problem.textContent = err.message;
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  load();
  return {};
}
