// The live alert feed: the newest 100 alerts from /api/alerts, then every `alert` message from the feed on top.

import {api, canAct} from './api.js';
import {h, fill, time, severity, toast} from './dom.js';

const LIMIT = 200;

function entity(group) {
  const entries = Object.entries(group || {});
  if (!entries.length) return h('span', {class: 'muted'}, 'no group');
  return entries.map(([k, v]) => h('span', {class: 'kv'}, h('span', {class: 'k'}, k + ' '), h('span', {class: 'v'}, String(v))));
}

export function mountAlerts(view) {
  const alerts = new Map();
  const list = h('ol', {class: 'feed', id: 'alert-feed', 'aria-label': 'Alerts, newest first'});
  const empty = h('p', {class: 'muted', id: 'alerts-empty'}, 'No alerts yet. New ones appear here as they are raised.');
  const status = h('select', {id: 'alert-status'},
      h('option', {value: ''}, 'any'), h('option', {value: 'open'}, 'open'),
      h('option', {value: 'acknowledged'}, 'acknowledged'), h('option', {value: 'resolved'}, 'resolved'));
  status.addEventListener('change', () => load());
  fill(view,
      h('div', {class: 'title-row'}, h('h1', {}, 'Alerts'),
          h('div', {class: 'filters'}, h('label', {for: 'alert-status'}, 'Status'), status)),
      empty, list);

  function row(a) {
    const id = Number(a.id);
    const buttons = [];
    if (canAct()) {
      buttons.push(h('button', {type: 'button', class: 'ack', 'aria-label': 'Acknowledge alert ' + id,
        disabled: a.status !== 'open', onclick: () => act(id, 'acknowledge')}, 'Acknowledge'));
      buttons.push(h('button', {type: 'button', class: 'resolve', 'aria-label': 'Resolve alert ' + id,
        disabled: a.status === 'resolved', onclick: () => act(id, 'resolve')}, 'Resolve'));
    }
    return h('li', {class: 'alert status-' + String(a.status), 'data-id': id, 'data-rule': String(a.rule)},
        severity(a.severity),
        h('div', {class: 'what'},
            h('strong', {class: 'rule'}, String(a.rule_name || a.rule)),
            h('code', {class: 'rule-id'}, String(a.rule)),
            h('p', {class: 'summary'}, String(a.summary ?? ''))),
        h('div', {class: 'entity'}, entity(a.group)),
        h('div', {class: 'when'}, time(a.last_seen || a.created_at)),
        h('div', {class: 'count', title: 'events'}, '×' + Number(a.count || 1)),
        h('div', {class: 'state'}, h('span', {class: 'state-' + String(a.status)}, String(a.status)),
            a.acknowledged_by && a.status === 'acknowledged' ? h('span', {class: 'muted'}, ' by ' + a.acknowledged_by) : null,
            a.resolved_by && a.status === 'resolved' ? h('span', {class: 'muted'}, ' by ' + a.resolved_by) : null),
        buttons.length ? h('div', {class: 'actions'}, buttons) : null);
  }

  function render() {
    const sorted = [...alerts.values()].sort((x, y) => Number(y.id) - Number(x.id)).slice(0, LIMIT);
    fill(list, sorted.map(row));
    empty.hidden = sorted.length > 0;
  }

  function upsert(a) {
    if (status.value && a.status !== status.value) {
      alerts.delete(a.id);
    } else {
      alerts.set(a.id, a);
    }
    if (alerts.size > LIMIT) {
      const oldest = [...alerts.keys()].sort((x, y) => x - y).slice(0, alerts.size - LIMIT);
      oldest.forEach((k) => alerts.delete(k));
    }
    const existing = list.querySelector('li[data-id="' + Number(a.id) + '"]');
    if (existing && alerts.has(a.id)) {
      existing.replaceWith(row(a));
    } else {
      render();
    }
  }

  async function act(id, what) {
    try {
      const a = await api('POST', '/api/alerts/' + id + '/' + what);
      upsert(a);
      toast('Alert ' + id + ' ' + (what === 'acknowledge' ? 'acknowledged' : 'resolved') + '.');
    } catch (e) {
      toast('Could not ' + what + ' alert ' + id + ': ' + e.message, true);
    }
  }

  async function load() {
    try {
      const q = status.value ? '&status=' + encodeURIComponent(status.value) : '';
      const data = await api('GET', '/api/alerts?limit=100' + q);
      alerts.clear();
      for (const a of data.alerts || []) alerts.set(a.id, a);
      render();
    } catch (e) {
      toast('Could not load alerts: ' + e.message, true);
    }
  }

  load();
  return {
    onLive(msg) {
      if ((msg.type === 'alert' || msg.type === 'alert_enriched') && msg.data) upsert(msg.data);
      if (msg.type === 'resync') load();
    },
  };
}
