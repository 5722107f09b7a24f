// Overview: the /api/stats figures, events and alerts over the last 24 hours (SVG bars), the rules that fired
// most and the source addresses seen most in alerts.

import {api} from './api.js';
import {h, fill, toast} from './dom.js';
import {histogram} from './search.js';

const HOUR = 3600e3;

function top(counts, limit) {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
}

function ranking(id, title, entries) {
  const max = entries.length ? entries[0][1] : 1;
  return h('section', {class: 'card', 'aria-labelledby': id + '-title'}, h('h2', {id: id + '-title'}, title),
      entries.length ? h('ol', {class: 'ranking', id},
          entries.map(([name, n]) => h('li', {}, h('span', {class: 'name'}, String(name)),
              h('meter', {min: 0, max, value: n, 'aria-label': String(name) + ': ' + n}), h('span', {class: 'num'}, String(n)))))
        : h('p', {class: 'muted'}, 'Nothing in the last 24 hours.'));
}

export function mountOverview(view) {
  const figures = h('dl', {class: 'figures', id: 'figures'});
  const events = h('div', {class: 'chart', id: 'events-chart'});
  const alerts = h('div', {class: 'chart', id: 'alerts-chart'});
  const rankings = h('div', {class: 'rankings'});
  fill(view, h('h1', {}, 'Overview'), figures,
      h('h2', {}, 'Events, last 24 hours'), events, h('h2', {}, 'Alerts, last 24 hours'), alerts, rankings);

  function showFigures(s) {
    const n = (v) => Number(v ?? 0).toLocaleString();
    fill(figures, [['Events', n(s.total_events)], ['Alerts', n(s.total_alerts)], ['Open incidents', n(s.open_incidents)],
      ['Active sources', n(s.active_sources)], ['Active rules', n(s.active_rules)], ['Parse failures', n(s.parse_failures)],
      ['Rate-limited', n(s.rate_limited)], ['PII detections', n(s.pii_detections)]]
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));
  }

  async function load() {
    const to = Date.now();
    const from = to - 24 * HOUR;
    const range = {from: new Date(from).toISOString(), to: new Date(to).toISOString()};
    api('GET', '/api/stats').then(showFigures).catch((e) => toast('Could not load stats: ' + e.message, true));
    api('GET', '/api/events/histogram?' + new URLSearchParams({...range, interval: '1h'}))
        .then((d) => fill(events, histogram(d, 'events-histogram', 'events')))
        .catch((e) => fill(events, h('p', {class: 'muted'}, e.status === 503 ? 'Event search is turned off on this server.' : e.message)));
    try {
      const data = await api('GET', '/api/alerts?' + new URLSearchParams({...range, limit: '1000'}));
      const list = data.alerts || [];
      const buckets = Array.from({length: 24}, (_, i) => ({start: new Date(from + i * HOUR).toISOString(), count: 0}));
      const rules = new Map();
      const ips = new Map();
      for (const a of list) {
        const at = Date.parse(a.last_seen || a.created_at);
        const i = Math.min(23, Math.max(0, Math.floor((at - from) / HOUR)));
        buckets[i].count++;
        const rule = a.rule_name || a.rule;
        rules.set(rule, (rules.get(rule) || 0) + 1);
        const ip = a.group && a.group['source.ip'];
        if (ip) ips.set(ip, (ips.get(ip) || 0) + 1);
      }
      fill(alerts, histogram({buckets, total: list.length, ...range, interval_seconds: 3600}, 'alerts-histogram', 'alerts'));
      fill(rankings, ranking('top-rules', 'Top rules', top(rules, 10)), ranking('top-ips', 'Top source addresses', top(ips, 10)));
    } catch (e) {
      toast('Could not load alerts: ' + e.message, true);
    }
  }

  load();
  return {
    onLive(msg) {
      if (msg.type === 'stats' && msg.data) showFigures(msg.data);
    },
  };
}
