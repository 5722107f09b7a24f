// Rules: the list with enable/disable (admins), and one rule's editor (JSON or YAML, checked by the server,
// whose validation message is shown as is) with a "test against sample events" panel (analysts and up).

import {api, me, canAct, currentToken, ApiError} from './api.js';
import {h, fill, severity, toast, time} from './dom.js';

const isAdmin = () => { const s = me(); return !!s && (s.role === 'admin' || s.kind === 'api_token'); };

const TEMPLATE = `id: my-rule
name: My rule
type: pattern
severity: medium
group_by: [source.ip]
config:
  match: {field: message, contains: "something bad"}
`;

export function mountRules(view) {
  const body = h('tbody', {});
  fill(view,
      h('div', {class: 'title-row'}, h('h1', {}, 'Rules'),
          isAdmin() ? h('a', {href: '#/rules/new', class: 'button-link', id: 'new-rule'}, 'New rule') : null),
      h('div', {class: 'table-wrap'}, h('table', {id: 'rule-table'},
          h('caption', {class: 'sr-only'}, 'Detection rules'),
          h('thead', {}, h('tr', {}, ['Severity', 'Rule', 'Type', 'Origin', 'State'].map((c) => h('th', {scope: 'col'}, c)))),
          body)));

  function row(r) {
    const id = String(r.id);
    const state = isAdmin()
      ? h('button', {type: 'button', class: 'toggle', 'aria-pressed': r.enabled ? 'true' : 'false',
        'aria-label': (r.enabled ? 'Disable' : 'Enable') + ' rule ' + id, onclick: () => toggle(id)},
      r.enabled ? 'Enabled' : 'Disabled')
      : h('span', {}, r.enabled ? 'enabled' : 'disabled');
    return h('tr', {'data-id': id, class: r.enabled ? '' : 'disabled'},
        h('td', {}, severity(r.severity)),
        h('td', {}, h('a', {href: '#/rules/' + encodeURIComponent(id)}, String(r.name)), ' ', h('code', {class: 'rule-id'}, id)),
        h('td', {}, String(r.type)),
        h('td', {}, String(r.origin)),
        h('td', {}, state));
  }

  async function toggle(id) {
    try {
      const r = await api('POST', '/api/rules/' + encodeURIComponent(id) + '/toggle');
      body.querySelector('tr[data-id="' + CSS.escape(id) + '"]').replaceWith(row(r));
      toast('Rule ' + id + (r.enabled ? ' enabled.' : ' disabled.'));
    } catch (e) {
      toast('Could not toggle ' + id + ': ' + e.message, true);
    }
  }

  (async () => {
    try {
      const data = await api('GET', '/api/rules');
      fill(body, (data.rules || []).map(row));
    } catch (e) {
      toast('Could not load rules: ' + e.message, true);
    }
  })();
  return {};
}

/** Sends rule text as the server wants it: JSON as is, anything else as YAML. */
async function sendRule(method, path, text) {
  if (!currentToken()) throw new ApiError(401, {message: 'not logged in'});
  const json = /^\s*[{[]/.test(text);
  const r = await fetch(path, {method, body: text, credentials: 'omit', cache: 'no-store',
    headers: {'Authorization': 'Bearer ' + currentToken(), 'Content-Type': json ? 'application/json' : 'application/yaml'}});
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export function mountRule(view, id) {
  const creating = id === null;
  const source = h('textarea', {id: 'rule-source', name: 'source', rows: 16, spellcheck: 'false', class: 'code',
    readonly: !isAdmin()});
  source.value = creating ? TEMPLATE : '';
  const problem = h('p', {id: 'rule-problem', class: 'error', role: 'alert'});
  const meta = h('p', {class: 'muted', id: 'rule-meta'});
  const editor = h('form', {class: 'card', id: 'rule-form', 'aria-labelledby': 'rule-editor-title'},
      h('h2', {id: 'rule-editor-title'}, creating ? 'New rule' : 'Source'),
      h('label', {for: 'rule-source'}, 'Rule (JSON or YAML; the server checks it)'), source, problem,
      isAdmin() ? h('button', {type: 'submit', id: 'rule-save'}, creating ? 'Create rule' : 'Save rule') : null);
  editor.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    try {
      const r = creating
        ? await sendRule('POST', '/api/rules', source.value)
        : await sendRule('PUT', '/api/rules/' + encodeURIComponent(id), source.value);
      toast('Rule ' + r.id + ' saved: in force now.');
      if (creating) location.hash = '#/rules/' + encodeURIComponent(r.id);
      else show(r);
    } catch (err) {
      problem.textContent = err.message;
    }
  });

  const lines = h('textarea', {id: 'test-lines', name: 'lines', rows: 4, spellcheck: 'false', class: 'code'});
  const events = h('textarea', {id: 'test-events', name: 'events', rows: 3, spellcheck: 'false', class: 'code',
    placeholder: '{"message": "something bad", "source": {"ip": "203.0.113.7"}}'});
  const results = h('div', {id: 'test-results', role: 'status'});
  const tester = h('form', {class: 'card', id: 'test-form', 'aria-labelledby': 'test-title'},
      h('h2', {id: 'test-title'}, 'Test against sample events'),
      h('p', {class: 'muted'}, 'Runs the rule in the editor (JSON) or the saved rule (YAML) over these samples, '
          + 'without touching the running engine.'),
      h('label', {for: 'test-lines'}, 'Log lines (one per line: syslog, CEF, JSON, ...)'), lines,
      h('label', {for: 'test-events'}, 'Events (one JSON object per line)'), events,
      h('button', {type: 'submit', id: 'test-run'}, 'Run test'), results);
  tester.addEventListener('submit', async (e) => {
    e.preventDefault();
    let rule = id;
    if (/^\s*\{/.test(source.value)) {
      try {
        rule = JSON.parse(source.value);
      } catch (err) {
        fill(results, h('p', {class: 'error'}, 'The rule is not valid JSON: ' + err.message));
        return;
      }
    } else if (creating) {
      fill(results, h('p', {class: 'error'}, 'Save the YAML rule first, or write it as JSON to test it unsaved.'));
      return;
    }
    const evs = [];
    for (const [n, l] of events.value.split('\n').entries()) {
      if (!l.trim()) continue;
      try {
        evs.push(JSON.parse(l));
      } catch {
        fill(results, h('p', {class: 'error'}, 'Event line ' + (n + 1) + ' is not a JSON object.'));
        return;
      }
    }
    try {
      const r = await api('POST', '/api/rules/test', {rule, lines: lines.value.split('\n').filter((l) => l.trim()), events: evs});
      const alerts = r.alerts || [];
      fill(results,
          h('p', {id: 'test-summary'}, alerts.length + ' alert' + (alerts.length === 1 ? '' : 's') + ' would fire over '
              + Number(r.events) + ' event' + (Number(r.events) === 1 ? '' : 's') + '.'),
          h('ul', {class: 'plain'}, alerts.map((a) => h('li', {}, severity(a.severity), ' ',
              h('strong', {}, String(a.rule)), ' ', String(a.summary ?? ''), ' ', h('span', {class: 'muted'}, '×' + Number(a.count || 1))))));
    } catch (err) {
      fill(results, h('p', {class: 'error'}, err.message));
    }
  });

  function show(r) {
    source.value = r.source ?? '';
    fill(meta, String(r.type) + ' · ' + String(r.origin) + ' · ' + (r.enabled ? 'enabled' : 'disabled')
        + (r.version ? ' · version ' + r.version + ' by ' + String(r.updated_by) + ' at ' : ''),
    r.version ? time(r.updated_at) : null);
  }

  fill(view, h('p', {}, h('a', {href: '#/rules'}, '← Rules')),
      h('h1', {id: 'rule-title'}, creating ? 'New rule' : 'Rule ' + id), meta, editor, canAct() ? tester : null);
  if (!creating) {
    api('GET', '/api/rules/' + encodeURIComponent(id)).then(show).catch((e) => { problem.textContent = e.message; });
  }
  return {};
}
