// Incidents: the list with status and severity filters, and one incident with its timeline, its alerts,
// status, assignee, notes and manual response actions (POST /api/respond, after a confirmation).

import {api, canAct} from './api.js';
import {h, fill, time, severity, toast, confirmDialog, SEVERITIES} from './dom.js';

function select(id, options, value) {
  const s = h('select', {id, name: id});
  for (const [v, label] of options) s.append(h('option', {value: v, selected: v === value}, label));
  return s;
}

export function mountIncidents(view, params) {
  const status = select('incident-status', [['', 'any'], ['open', 'open'], ['acknowledged', 'acknowledged'],
    ['resolved', 'resolved']], params.get('status') || '');
  const sev = select('incident-severity', [['', 'any'], ...SEVERITIES.map((s) => [s, s + ' and up'])],
      params.get('severity') || '');
  const body = h('tbody', {});
  const empty = h('p', {class: 'muted'}, 'No incidents match.');
  fill(view,
      h('div', {class: 'title-row'}, h('h1', {}, 'Incidents'),
          h('div', {class: 'filters'},
              h('label', {for: 'incident-status'}, 'Status'), status,
              h('label', {for: 'incident-severity'}, 'Severity'), sev)),
      h('div', {class: 'table-wrap'}, h('table', {class: 'incidents', id: 'incident-table'},
          h('caption', {class: 'sr-only'}, 'Incidents, newest first'),
          h('thead', {}, h('tr', {}, ['Severity', 'Incident', 'Entity', 'Status', 'Assignee', 'Alerts', 'Last alert']
              .map((c) => h('th', {scope: 'col'}, c)))),
          body)),
      empty);
  const refilter = () => {
    const q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (sev.value) q.set('severity', sev.value);
    history.replaceState(null, '', '#/incidents' + (q.toString() ? '?' + q : ''));
    load();
  };
  status.addEventListener('change', refilter);
  sev.addEventListener('change', refilter);

  async function load() {
    const q = new URLSearchParams({limit: '200'});
    if (status.value) q.set('status', status.value);
    if (sev.value) q.set('severity', sev.value);
    try {
      const data = await api('GET', '/api/incidents?' + q);
      const items = data.incidents || [];
      fill(body, items.map((i) => h('tr', {'data-id': Number(i.id)},
          h('td', {}, severity(i.severity)),
          h('td', {}, h('a', {href: '#/incidents/' + Number(i.id)}, '#' + Number(i.id) + ' ' + String(i.title))),
          h('td', {}, String(i.entity_type) + ' ', h('code', {}, String(i.entity_value))),
          h('td', {}, String(i.status)),
          h('td', {}, i.assignee ? String(i.assignee) : h('span', {class: 'muted'}, 'nobody')),
          h('td', {class: 'num'}, String(Number(i.alert_count))),
          h('td', {}, time(i.last_alert_at)))));
      empty.hidden = items.length > 0;
    } catch (e) {
      toast('Could not load incidents: ' + e.message, true);
    }
  }

  load();
  let pending = null;
  return {
    onLive(msg) {
      if (msg.type === 'incident' || msg.type === 'resync') {
        clearTimeout(pending);
        pending = setTimeout(load, 300); // a burst of changes is one reload
      }
    },
  };
}

function detailText(d) {
  if (!d || typeof d !== 'object') return d == null ? '' : String(d);
  return Object.entries(d).map(([k, v]) => k + ': ' + (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))
      .join(', ');
}

export function mountIncident(view, id) {
  let incident = null;
  let lastResult = '';

  async function load() {
    try {
      incident = await api('GET', '/api/incidents/' + id);
      render();
    } catch (e) {
      fill(view, h('h1', {}, 'Incident #' + id), h('p', {class: 'error'}, 'Could not load it: ' + e.message),
          h('p', {}, h('a', {href: '#/incidents'}, 'Back to the incidents')));
    }
  }

  function render() {
    const i = incident;
    const timeline = [
      ...(i.timeline || []).map((t) => ({at: t.at, kind: t.kind, by: t.by, text: detailText(t.detail)})),
      ...(i.actions || []).map((a) => ({at: a.created_at, kind: 'action ' + a.type, by: a.trigger,
        text: a.status + (a.parameters && Object.keys(a.parameters).length ? ' · ' + detailText(a.parameters) : '')
          + (a.outcome ? ' · ' + (typeof a.outcome === 'string' ? a.outcome : JSON.stringify(a.outcome)) : ''),
        action: a})),
    ].sort((a, b) => String(a.at).localeCompare(String(b.at)));
    fill(view,
        h('p', {}, h('a', {href: '#/incidents'}, '← Incidents')),
        h('div', {class: 'title-row'}, h('h1', {id: 'incident-title'}, '#' + Number(i.id) + ' ' + String(i.title)),
            severity(i.severity)),
        h('dl', {class: 'facts'},
            h('dt', {}, 'Status'), h('dd', {id: 'incident-status-value'}, String(i.status)),
            h('dt', {}, 'Entity'), h('dd', {}, String(i.entity_type) + ' ', h('code', {}, String(i.entity_value))),
            h('dt', {}, 'Assignee'), h('dd', {}, i.assignee ? String(i.assignee) : 'nobody'),
            h('dt', {}, 'Alerts'), h('dd', {}, String(Number(i.alert_count))),
            h('dt', {}, 'Opened'), h('dd', {}, time(i.created_at), ' by ' + String(i.created_by)),
            h('dt', {}, 'Updated'), h('dd', {}, time(i.updated_at))),
        canAct() ? workForm(i) : null,
        canAct() ? respondForm(i) : null,
        h('section', {'aria-labelledby': 'timeline-title'}, h('h2', {id: 'timeline-title'}, 'Timeline'),
            h('ol', {class: 'timeline', id: 'timeline'}, timeline.map((t) => h('li', {class: t.action ? 'action' : ''},
                time(t.at), ' ', h('strong', {}, t.kind), ' ', h('span', {class: 'muted'}, 'by ' + String(t.by ?? '')),
                t.text ? h('p', {}, t.text) : null)))),
        h('section', {'aria-labelledby': 'incident-alerts-title'}, h('h2', {id: 'incident-alerts-title'}, 'Alerts'),
            h('ul', {class: 'plain'}, (i.alerts || []).map((a) => h('li', {},
                severity(a.severity), ' ', h('strong', {}, String(a.rule_name || a.rule)), ' ',
                h('span', {}, String(a.summary ?? '')), ' ', h('span', {class: 'muted'}, String(a.status)), ' ',
                time(a.last_seen))))));
  }

  function workForm(i) {
    const st = select('work-status', [['open', 'open'], ['acknowledged', 'acknowledged'], ['resolved', 'resolved']], i.status);
    const assignee = h('input', {id: 'work-assignee', name: 'assignee', value: i.assignee || '', maxlength: 64,
      autocomplete: 'off', placeholder: 'user name (empty: nobody)'});
    const note = h('textarea', {id: 'work-note', name: 'note', rows: 2, maxlength: 10000});
    const form = h('form', {class: 'card', id: 'work-form', 'aria-labelledby': 'work-title'},
        h('h2', {id: 'work-title'}, 'Work the incident'),
        h('div', {class: 'grid'},
            h('label', {for: 'work-status'}, 'Status'), st,
            h('label', {for: 'work-assignee'}, 'Assignee'), assignee,
            h('label', {for: 'work-note'}, 'Note'), note),
        h('button', {type: 'submit', id: 'work-save'}, 'Save changes'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const patch = {};
      if (st.value !== i.status) patch.status = st.value;
      const who = assignee.value.trim();
      if (who !== (i.assignee || '')) patch.assignee = who === '' ? null : who;
      if (note.value.trim()) patch.note = note.value.trim();
      if (!Object.keys(patch).length) {
        toast('Nothing to change.');
        return;
      }
      try {
        incident = await api('PATCH', '/api/incidents/' + Number(i.id), patch);
        toast('Incident updated.');
        await load();
      } catch (err) {
        toast('Not saved: ' + err.message, true);
      }
    });
    return form;
  }

  function respondForm(i) {
    const action = select('respond-action', [['block_ip', 'block IP address'], ['disable_account', 'disable account'],
      ['alert', 'alert a channel'], ['log', 'write a log line']], i.entity_type === 'user' ? 'disable_account' : 'block_ip');
    const target = h('input', {id: 'respond-target', name: 'target', value: String(i.entity_value ?? ''), maxlength: 256,
      autocomplete: 'off'});
    const reason = h('input', {id: 'respond-reason', name: 'reason', maxlength: 500, autocomplete: 'off',
      placeholder: 'why (optional)'});
    const dry = h('input', {id: 'respond-dry-run', name: 'dry_run', type: 'checkbox', checked: true});
    const result = h('p', {id: 'respond-result', role: 'status'}, lastResult);
    const form = h('form', {class: 'card', id: 'respond-form', 'aria-labelledby': 'respond-title'},
        h('h2', {id: 'respond-title'}, 'Response action'),
        h('div', {class: 'grid'},
            h('label', {for: 'respond-action'}, 'Action'), action,
            h('label', {for: 'respond-target'}, 'Target'), target,
            h('label', {for: 'respond-reason'}, 'Reason'), reason),
        h('div', {class: 'check'}, dry, h('label', {for: 'respond-dry-run'}, 'Dry run (record what would run, run nothing)')),
        h('button', {type: 'submit', id: 'respond-run', class: 'danger'}, 'Run action…'),
        result);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const req = {action: action.value, target: target.value.trim(), incident_id: Number(i.id), dry_run: dry.checked};
      if (action.value === 'block_ip') req.parameters = {duration_seconds: 3600, ...(reason.value ? {reason: reason.value} : {})};
      else if (action.value === 'log') req.parameters = reason.value ? {message: reason.value} : {};
      const label = action.options[action.selectedIndex].textContent;
      const ok = await confirmDialog(dry.checked ? 'Dry run: ' + label : label,
          (dry.checked ? 'Record what would happen, without doing it: ' : 'This acts now: ') + label + ' "' + req.target
          + '" for incident #' + Number(i.id) + '.', dry.checked ? 'Dry run' : 'Run now');
      if (!ok) return;
      try {
        const a = await api('POST', '/api/respond', req);
        lastResult = result.textContent = a.type + ' ' + String(a.status) + (a.outcome ? ': ' + (typeof a.outcome === 'string' ? a.outcome : JSON.stringify(a.outcome)) : '');
        toast('Action ' + a.type + ': ' + a.status + '.');
        await load();
      } catch (err) {
        lastResult = result.textContent = 'Refused: ' + err.message;
        toast('Action refused: ' + err.message, true);
      }
    });
    return form;
  }

  load();
  let pending = null;
  return {
    onLive(msg) {
      if ((msg.type === 'incident' && msg.data && Number(msg.data.id) === id) || msg.type === 'resync') {
        clearTimeout(pending);
        const later = () => {
          const typing = view.contains(document.activeElement) && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
          if (typing || document.getElementById('confirm').open) pending = setTimeout(later, 2000);
          else load();
        };
        pending = setTimeout(later, 300);
      }
    },
  };
}
