// Event search: a Lucene query, a time range, a histogram of the matches (SVG, drawn here: no chart library)
// and the newest matching events, each expandable to all its fields.

import {api} from './api.js';
import {h, fill, time, toast} from './dom.js';

const RANGES = [['15m', 'last 15 minutes', 15 * 60e3], ['1h', 'last hour', 3600e3], ['24h', 'last 24 hours', 86400e3],
  ['7d', 'last 7 days', 7 * 86400e3], ['30d', 'last 30 days', 30 * 86400e3]];
const SVG = 'http://www.w3.org/2000/svg';

function field(ev, name) {
  if (ev == null) return undefined;
  if (name in ev) return ev[name];
  return name.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), ev);
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Bars of `buckets` ({start, count}); each bar has a <title> with its time and count. */
export function histogram(data, id = 'histogram', what = 'matching events') {
  const buckets = data.buckets || [];
  const width = 1000;
  const height = 160;
  const pad = 22;
  const max = Math.max(1, ...buckets.map((b) => Number(b.count)));
  const bw = width / Math.max(1, buckets.length);
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height + pad}`, class: 'histogram', id, role: 'img',
    'aria-label': Number(data.total) + ' ' + what + ' from ' + data.from + ' to ' + data.to
      + ', ' + buckets.length + ' bars of ' + Number(data.interval_seconds) + ' s'});
  chart.append(svg('line', {x1: 0, y1: height, x2: width, y2: height, class: 'axis'}));
  buckets.forEach((b, i) => {
    const hgt = Math.round((Number(b.count) / max) * (height - 8));
    if (hgt === 0) return;
    chart.append(svg('rect', {x: (i * bw + 0.5).toFixed(1), y: height - hgt, width: Math.max(1, bw - 1).toFixed(1),
      height: hgt, class: 'bar'}, svg('title', {}, new Date(b.start).toLocaleString() + ': ' + Number(b.count))));
  });
  const label = (x, anchor, iso) => chart.append(svg('text', {x, y: height + 16, 'text-anchor': anchor, class: 'tick'},
      new Date(iso).toLocaleString()));
  if (data.from) label(2, 'start', data.from);
  if (data.to) label(width - 2, 'end', data.to);
  chart.append(svg('text', {x: 4, y: 12, class: 'tick'}, 'max ' + max));
  return chart;
}

export function mountSearch(view, params) {
  const q = h('input', {id: 'search-q', name: 'q', type: 'search', value: params.get('q') || '', maxlength: 5000,
    spellcheck: 'false', autocomplete: 'off', placeholder: 'e.g. "Failed password" AND source.ip:"203.0.113.0/24"'});
  const range = h('select', {id: 'search-range', name: 'range'});
  for (const [v, label] of RANGES) range.append(h('option', {value: v, selected: v === (params.get('range') || '24h')}, label));
  const problem = h('p', {id: 'search-problem', class: 'error', role: 'alert'});
  const chart = h('div', {class: 'chart', id: 'search-chart'});
  const count = h('p', {id: 'search-count', role: 'status'});
  const results = h('ol', {class: 'events', id: 'search-results', 'aria-label': 'Matching events, newest first'});
  const more = h('button', {type: 'button', id: 'search-more', hidden: true}, 'Load more');
  const form = h('form', {class: 'card search', id: 'search-form', role: 'search'},
      h('label', {for: 'search-q'}, 'Query (Lucene syntax)'), q,
      h('label', {for: 'search-range'}, 'Time range'), range,
      h('button', {type: 'submit', id: 'search-run'}, 'Search'));
  fill(view, h('h1', {}, 'Search events'), form, problem, chart, count, results, more);
  let cursor = null;
  let span = null;

  function row(ev) {
    const original = field(ev, 'event.original') ?? field(ev, 'message') ?? '';
    return h('li', {},
        h('details', {},
            h('summary', {}, time(field(ev, '@timestamp')), ' ', h('code', {class: 'muted'}, String(field(ev, 'phosor.source') ?? '')),
                ' ', h('span', {class: 'original'}, String(original))),
            h('pre', {class: 'event-json'}, JSON.stringify(ev, null, 2))));
  }

  async function page(first) {
    const p = new URLSearchParams({q: q.value, from: span.from, to: span.to, limit: '100'});
    if (!first && cursor) p.set('cursor', cursor);
    const data = await api('GET', '/api/events/search?' + p);
    cursor = data.next_cursor;
    more.hidden = !cursor;
    if (first) results.replaceChildren();
    results.append(...(data.events || []).map(row));
    return data;
  }

  async function run() {
    problem.textContent = '';
    const ms = RANGES.find((r) => r[0] === range.value)[2];
    const now = Date.now();
    span = {from: new Date(now - ms).toISOString(), to: new Date(now).toISOString()};
    history.replaceState(null, '', '#/search?' + new URLSearchParams({q: q.value, range: range.value}));
    try {
      const [hist, data] = await Promise.all([
        api('GET', '/api/events/histogram?' + new URLSearchParams({q: q.value, from: span.from, to: span.to})),
        page(true)]);
      fill(chart, histogram(hist));
      count.textContent = Number(data.total).toLocaleString() + (data.total_exact === false ? '+' : '') + ' matching events';
    } catch (e) {
      fill(chart);
      results.replaceChildren();
      count.textContent = '';
      more.hidden = true;
      problem.textContent = e.status === 503 ? 'Search is turned off on this server (PHOSOR_SEARCH_ENABLED=false).'
        : e.message + (e.body && e.body.position != null ? ' (at character ' + e.body.position + ')' : '');
    }
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  more.addEventListener('click', () => page(false).catch((e) => toast('Could not load more: ' + e.message, true)));
  run();
  return {};
}
