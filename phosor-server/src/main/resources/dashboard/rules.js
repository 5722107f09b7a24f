// Rules: the list with enable/disable (admins) and the Sigma import (admins: a file or pasted YAML, checked by a
// dry run, then imported, with the server's per-rule report); one rule's editor (JSON, YAML or Sigma, checked by
// the server, whose validation message is shown as is), its history (every role), delete after a confirmation
// (admins), and a "test against sample events" panel (analysts and up).

import {api, apiText, me, canAct} from './api.js';
import {h, fill, severity, toast, time, confirmDialog} from './dom.js';

const isAdmin = () => { const s = me(); return !!s && (s.role === 'admin' || s.kind === 'api_token'); };

/** The server's limit for one Sigma import (docs/api.md); checked here first to say so before sending. */
const MAX_SIGMA_BYTES = 1024 * 1024;
/** File names the import route takes in its `file` parameter (others are simply not sent). */
const FILE_NAME = /^[\w .@()+-]{1,200}$/;

const TEMPLATE = `id: my-rule
name: My rule
type: pattern
severity: medium
group_by: [source.ip]
config:
  match: {field: message, contains: "something bad"}
`;

const rulePath = (id) => '/api/rules/' + encodeURIComponent(id);

export function mountRules(view) {
  const body = h('tbody', {});
  fill(view,
      h('div', {class: 'title-row'}, h('h1', {}, 'Rules'),
          isAdmin() ? h('a', {href: '#/rules/new', class: 'button-link', id: 'new-rule'}, 'New rule') : null),
      isAdmin() ? sigmaPanel(load) : null,
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
      const r = await api('POST', rulePath(id) + '/toggle');
      body.querySelector('tr[data-id="' + CSS.escape(id) + '"]').replaceWith(row(r));
      toast('Rule ' + id + (r.enabled ? ' enabled.' : ' disabled.'));
    } catch (e) {
      toast('Could not toggle ' + id + ': ' + e.message, true);
    }
  }

  async function load() {
    try {
      const data = await api('GET', '/api/rules');
      fill(body, (data.rules || []).map(row));
    } catch (e) {
      toast('Could not load rules: ' + e.message, true);
    }
  }

  load();
  return {};
}

/**
 * The "Import Sigma" panel: YAML from a file (read in the browser with FileReader) or pasted, sent as is to
 * POST /api/rules/import (dry run for "Check"), and the server's report per rule. `imported()` reloads the list.
 */
function sigmaPanel(imported) {
  const file = h('input', {id: 'sigma-file', name: 'sigma-file', type: 'file', accept: '.yml,.yaml,application/yaml,text/yaml,text/plain'});
  const text = h('textarea', {id: 'sigma-text', name: 'sigma-text', rows: 10, spellcheck: 'false', class: 'code',
    placeholder: 'title: SSH password failure\nlogsource: {product: linux, service: sshd}\ndetection:\n  keywords: [\'Failed password\']\n  condition: keywords'});
  const problem = h('p', {id: 'sigma-problem', class: 'error', role: 'alert'});
  const summary = h('p', {id: 'sigma-summary', role: 'status'});
  const report = h('div', {id: 'sigma-report'});
  const check = h('button', {type: 'submit', id: 'sigma-check'}, 'Check');
  const run = h('button', {type: 'button', id: 'sigma-import'}, 'Import');
  const form = h('form', {id: 'sigma-form', novalidate: true},
      h('p', {class: 'muted'}, 'Sigma rules (one file, several rules separated by ', h('code', {}, '---'), ', at most 1 MiB). '
          + '"Check" asks the server what it would import and changes nothing; "Import" stores the supported rules, '
          + 'in force at once. Importing the same rule again updates it.'),
      h('label', {for: 'sigma-file'}, 'Sigma file (.yml or .yaml)'), ' ', file,
      h('label', {for: 'sigma-text', class: 'block'}, 'Sigma YAML (read from the file, or pasted here)'), text,
      h('div', {class: 'actions'}, check, run), problem, summary, report);
  const panel = h('details', {class: 'card', id: 'sigma-panel'},
      h('summary', {id: 'sigma-title'}, 'Import Sigma'), form);

  // the name of the file the text came from, sent along (the server's report names it) while the text is the file's
  let fromFile = null;
  file.addEventListener('change', () => {
    problem.textContent = '';
    fromFile = null;
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > MAX_SIGMA_BYTES) {
      problem.textContent = f.name + ' is ' + f.size.toLocaleString() + ' bytes: the limit is 1 MiB (1,048,576 bytes).';
      file.value = '';
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      text.value = String(reader.result);
      fromFile = {name: f.name, text: text.value};
      fill(summary, 'Read ' + f.name + ' (' + f.size.toLocaleString() + ' bytes): "Check" or "Import" it.');
      fill(report);
    };
    reader.onerror = () => { problem.textContent = 'Could not read ' + f.name + ': ' + (reader.error?.message || 'unknown error'); };
    reader.readAsText(f);
  });

  async function send(dryRun) {
    problem.textContent = '';
    const yaml = text.value;
    if (!yaml.trim()) {
      problem.textContent = 'Choose a Sigma file or paste Sigma YAML first.';
      text.focus();
      return;
    }
    const bytes = new Blob([yaml]).size;
    if (bytes > MAX_SIGMA_BYTES) {
      problem.textContent = 'The YAML is ' + bytes.toLocaleString() + ' bytes: the limit is 1 MiB (1,048,576 bytes). Split it.';
      return;
    }
    check.disabled = true;
    run.disabled = true;
    fill(summary, dryRun ? 'Checking…' : 'Importing…');
    try {
      const q = new URLSearchParams({dry_run: String(dryRun)});
      if (fromFile && fromFile.text === yaml && FILE_NAME.test(fromFile.name)) q.set('file', fromFile.name);
      const r = await apiText('POST', '/api/rules/import?' + q, yaml, 'application/yaml');
      showReport(r, dryRun);
      summary.scrollIntoView({block: 'nearest'});
      if (!dryRun) {
        toast('Sigma import: ' + Number(r.imported ?? 0) + ' rule' + (Number(r.imported) === 1 ? '' : 's') + ' stored.');
        imported();
      }
    } catch (err) {
      fill(summary);
      fill(report);
      problem.textContent = (dryRun ? 'Check failed: ' : 'Import failed: ') + importError(err);
    } finally {
      check.disabled = false;
      run.disabled = false;
    }
  }

  function showReport(r, dryRun) {
    const rules = Array.isArray(r.rules) ? r.rules : [];
    const count = (k, v) => rules.filter((x) => x[k] === v).length;
    const supported = count('status', 'supported');
    const unsupported = Number(r.unsupported ?? count('status', 'unsupported'));
    const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');
    fill(summary, r.dry_run || dryRun
      ? 'Check only, nothing stored: ' + plural(rules.length, 'rule') + ', ' + supported + ' supported, '
          + unsupported + ' unsupported.'
      : 'Imported ' + plural(Number(r.imported ?? 0), 'rule') + ' (' + count('action', 'created') + ' created, '
          + count('action', 'updated') + ' updated, ' + count('action', 'unchanged') + ' unchanged); '
          + unsupported + ' unsupported, not imported.');
    const stored = !(r.dry_run || dryRun);
    fill(report, rules.length === 0 ? null : h('div', {class: 'table-wrap'}, h('table', {id: 'sigma-report-table'},
        h('caption', {}, r.dry_run || dryRun ? 'What an import would do' : 'What the import did'),
        h('thead', {}, h('tr', {}, ['Level', 'Rule', 'Status', 'Reason', 'Action'].map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, rules.map((x) => h('tr', {'data-document': Number(x.document), 'data-status': String(x.status)},
            h('td', {}, x.level ? severity(x.level) : h('span', {class: 'muted'}, '—')),
            h('td', {},
                h('span', {class: 'title'}, String(x.title ?? '(no title)')),
                h('span', {class: 'muted block'}, (x.file ? String(x.file) + ', ' : '') + 'document ' + Number(x.document)
                    + (x.kind ? ' · ' + String(x.kind) : '') + (x.sigma_id ? ' · ' + String(x.sigma_id) : '')),
                x.rule_id ? (stored && x.action !== 'skipped'
                  ? h('a', {href: '#/rules/' + encodeURIComponent(x.rule_id)}, String(x.rule_id))
                  : h('code', {}, String(x.rule_id))) : null),
            h('td', {}, h('span', {class: 'status status-' + (x.status === 'supported' ? 'ok' : 'bad')}, String(x.status))),
            h('td', {}, x.reason ? String(x.reason) : h('span', {class: 'muted'}, '—')),
            h('td', {}, String(x.action ?? '')
                + (x.enabled === false && x.status === 'supported' ? ' (disabled)' : ''))))))));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(true);
  });
  run.addEventListener('click', () => send(false));
  return panel;
}

/** The server's message for a refused import, with what the status means where it says little. */
function importError(err) {
  if (err.status === 501) return 'this server cannot import Sigma rules yet (' + err.message + ').';
  if (err.status === 413) return 'the YAML is larger than the server accepts (1 MiB).';
  if (err.status === 403) return 'only admins may import rules (' + err.message + ').';
  if (!err.status) return 'the server did not answer (' + err.message + ').';
  return err.message;
}

/** Saves rule text as the server wants it: Sigma YAML as Sigma, JSON as is, anything else as YAML. */
function sendRule(method, path, text, format) {
  if (format === 'sigma') return apiText(method, path + '?format=sigma', text, 'application/yaml');
  return apiText(method, path, text, /^\s*[{[]/.test(text) ? 'application/json' : 'application/yaml');
}

export function mountRule(view, id) {
  const creating = id === null;
  let exists = !creating;
  let format = null;
  const source = h('textarea', {id: 'rule-source', name: 'source', rows: 16, spellcheck: 'false', class: 'code',
    readonly: !isAdmin()});
  source.value = creating ? TEMPLATE : '';
  const problem = h('p', {id: 'rule-problem', class: 'error', role: 'alert'});
  const meta = h('p', {class: 'muted', id: 'rule-meta'});
  const label = h('label', {for: 'rule-source'}, 'Rule (JSON or YAML; the server checks it)');
  const save = isAdmin() ? h('button', {type: 'submit', id: 'rule-save'}, creating ? 'Create rule' : 'Save rule') : null;
  const remove = h('button', {type: 'button', id: 'rule-delete', class: 'danger', hidden: true, onclick: () => del()}, 'Delete rule');
  let current = null;
  const editor = h('form', {class: 'card', id: 'rule-form', 'aria-labelledby': 'rule-editor-title'},
      h('h2', {id: 'rule-editor-title'}, creating ? 'New rule' : 'Source'),
      label, source, problem,
      isAdmin() ? h('div', {class: 'actions'}, save, creating ? null : remove) : null);
  editor.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    try {
      const r = exists
        ? await sendRule('PUT', rulePath(id), source.value, format)
        : await sendRule('POST', '/api/rules', source.value, format);
      toast('Rule ' + r.id + ' saved: in force now.');
      if (creating || r.id !== id) location.hash = '#/rules/' + encodeURIComponent(r.id);
      else {
        show(r);
        loadHistory();
      }
    } catch (err) {
      problem.textContent = err.message;
    }
  });

  async function del() {
    if (!current) return;
    const name = String(current.name ?? id);
    const back = current.overrides ? ' The ' + current.overrides + ' rule with this id is in force again.' : '';
    if (!(await confirmDialog('Delete rule', 'Delete the rule "' + name + '" (' + id + ')? It stops matching at once; '
        + 'its history is kept.' + back, 'Delete'))) {
      remove.focus();
      return;
    }
    problem.textContent = '';
    try {
      await api('DELETE', rulePath(id));
      toast('Rule ' + id + ' deleted.');
      location.hash = '#/rules';
    } catch (err) {
      problem.textContent = err.message;
    }
  }

  const historyList = h('ol', {id: 'rule-history', class: 'plain history'});
  const historyNote = h('p', {class: 'muted', id: 'rule-history-note'});
  const historyCard = h('section', {class: 'card', 'aria-labelledby': 'history-title'},
      h('h2', {id: 'history-title'}, 'History'), historyNote, historyList);

  async function loadHistory() {
    try {
      const data = await api('GET', rulePath(id) + '/history');
      const entries = (data.history || []).slice().reverse();
      historyNote.textContent = entries.length === 0
        ? 'No changes through the API: the rule is as shipped' + (current && current.file ? ' in ' + current.file : '') + '.'
        : 'Newest first; every change through the API or an import is kept, deletions too.';
      fill(historyList, entries.map((c) => h('li', {'data-version': Number(c.version), 'data-change': String(c.change)},
          h('strong', {}, 'Version ' + Number(c.version) + ': ' + String(c.change)), ' · ',
          c.enabled ? 'enabled' : 'disabled', ' · by ', h('span', {class: 'who-changed'}, String(c.by)), ' · ', time(c.at),
          c.source == null ? null : h('details', {},
              h('summary', {}, 'Rule text of version ' + Number(c.version) + (c.format ? ' (' + String(c.format) + ')' : '')),
              h('pre', {class: 'event-json'}, String(c.source)),
              isAdmin() ? h('button', {type: 'button', 'aria-label': 'Copy version ' + Number(c.version) + ' into the editor',
                onclick: () => {
                  source.value = String(c.source);
                  setFormat(c.format);
                  source.focus();
                  toast('Version ' + Number(c.version) + ' is in the editor: "' + (exists ? 'Save rule' : 'Create rule')
                      + '" brings it back.');
                }}, 'Copy into the editor') : null))));
    } catch (e) {
      historyNote.textContent = 'Could not load the history: ' + e.message;
    }
  }

  function setFormat(f) {
    format = f || null;
    label.textContent = format === 'sigma'
      ? 'Sigma rule (YAML, imported from Sigma; the server converts and checks it)'
      : 'Rule (JSON or YAML; the server checks it)';
  }

  const lines = h('textarea', {id: 'test-lines', name: 'lines', rows: 4, spellcheck: 'false', class: 'code'});
  const events = h('textarea', {id: 'test-events', name: 'events', rows: 3, spellcheck: 'false', class: 'code',
    placeholder: '{"message": "something bad", "source": {"ip": "203.0.113.7"}}'});
  const results = h('div', {id: 'test-results', role: 'status'});
  const tester = h('form', {class: 'card', id: 'test-form', 'aria-labelledby': 'test-title'},
      h('h2', {id: 'test-title'}, 'Test against sample events'),
      h('p', {class: 'muted'}, 'Runs the rule in the editor (JSON) or the saved rule (YAML, Sigma) over these samples, '
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
    } else if (source.value.trim()) {
      rule = source.value.includes('\n') ? source.value : source.value + '\n'; // YAML or Sigma text, tested unsaved
    } else if (!exists) {
      fill(results, h('p', {class: 'error'}, 'Write a rule first.'));
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

  const title = h('h1', {id: 'rule-title'}, creating ? 'New rule' : 'Rule ' + id);

  function show(r) {
    current = r;
    fill(title, String(r.name ?? id), ' ', h('code', {class: 'rule-id'}, String(r.id ?? id)));
    exists = true;
    source.value = r.source ?? r.text ?? '';
    setFormat(r.format);
    if (save) save.textContent = 'Save rule';
    // only a rule stored through the API (or an import) can be deleted; built-in and file rules are disabled instead
    remove.hidden = !isAdmin() || r.version == null || r.origin !== 'api';
    fill(meta, String(r.type) + ' · ' + String(r.origin) + (r.format ? ' · ' + String(r.format) : '') + ' · '
        + (r.enabled ? 'enabled' : 'disabled')
        + (r.version ? ' · version ' + r.version + ' by ' + String(r.updated_by) + ' at ' : ''),
    r.version ? time(r.updated_at) : null);
  }

  fill(view, h('p', {}, h('a', {href: '#/rules'}, '← Rules')),
      title, meta, editor, canAct() ? tester : null,
      creating ? null : historyCard);
  if (!creating) {
    api('GET', rulePath(id)).then((r) => {
      show(r);
      loadHistory();
    }).catch((e) => {
      if (e.status === 404) {
        exists = false;
        if (save) save.textContent = 'Create rule';
        meta.textContent = 'This rule does not exist (any more); its history, if it had one, is below.';
        loadHistory();
      } else {
        problem.textContent = e.message;
      }
    });
  }
  return {};
}
