// The dashboard's entry point: login, the session, the router (#/alerts, #/incidents/42, #/account, ...) and
// the live feed shared by the pages.

import {login, logout, restore, onLogout, me, currentToken, api} from './api.js';
import {LiveFeed} from './live.js';
import {toast} from './dom.js';
import {mountAlerts} from './alerts.js';
import {mountIncidents, mountIncident} from './incidents.js';
import {mountRules, mountRule} from './rules.js';
import {mountSearch} from './search.js';
import {mountSources, mountAudit} from './sources.js';
import {mountOverview} from './overview.js';
import {mountUsers} from './users.js';
import {mountAccount} from './account.js';

const $ = (id) => document.getElementById(id);
let page = null;

const feed = new LiveFeed(currentToken, (msg) => {
  if (msg.type === 'stats' && msg.data) showStats(msg.data);
  if (msg.type === 'closed' && msg.code === 1008) {
    // the server ended the session (expired, account changed or disabled): a 401 here logs out
    api('GET', '/api/auth/me').catch(() => {});
  }
  if (page && page.onLive) page.onLive(msg);
}, (state, delay) => {
  const live = $('live');
  live.dataset.state = state;
  live.textContent = state === 'reconnecting' ? 'reconnecting in ' + Math.ceil(delay / 1000) + ' s' : state;
});

function showStats(s) {
  const stats = $('stats');
  stats.hidden = false;
  const n = (v) => Number(v ?? 0).toLocaleString();
  stats.textContent = n(s.total_events) + ' events · ' + n(s.total_alerts) + ' alerts · ' + n(s.open_incidents)
      + ' open incidents · ' + n(s.active_sources) + ' sources';
}

function showLogin(reason) {
  feed.stop();
  page = null;
  $('nav').hidden = true;
  $('session').hidden = true;
  $('stats').hidden = true;
  $('view').hidden = true;
  $('view').replaceChildren();
  $('login-view').hidden = false;
  $('login-error').textContent = reason || '';
  $('password').value = '';
  $('username').focus();
}

function showApp() {
  const who = me();
  $('login-view').hidden = true;
  $('nav').hidden = false;
  $('session').hidden = false;
  $('who').textContent = who.username + ' (' + who.role + ')';
  document.body.dataset.role = who.role;
  const admin = who.role === 'admin' || who.kind === 'api_token';
  $('nav-audit').hidden = !admin;
  $('nav-users').hidden = !admin;
  $('nav-account').hidden = who.kind !== 'user';
  $('view').hidden = false;
  feed.start();
  route();
  api('GET', '/api/stats').then(showStats).catch(() => {});
}

function route() {
  if (!me()) return;
  const [path, query] = (location.hash.replace(/^#/, '') || '/alerts').split('?');
  const params = new URLSearchParams(query || '');
  // Each page gets a fresh container: a page left behind whose request or timer finishes later (an incident
  // reloading after a live update) renders into its own detached container, never over the next page.
  const view = document.createElement('div');
  view.className = 'page';
  $('view').replaceChildren(view);
  const m = path.match(/^\/incidents\/(\d{1,18})$/);
  const rule = path.match(/^\/rules\/([A-Za-z0-9._-]{1,128})$/);
  if (m) page = mountIncident(view, Number(m[1]));
  else if (path === '/rules/new') page = mountRule(view, null);
  else if (rule) page = mountRule(view, decodeURIComponent(rule[1]));
  else if (path === '/rules') page = mountRules(view);
  else if (path === '/search') page = mountSearch(view, params);
  else if (path === '/sources') page = mountSources(view);
  else if (path === '/audit') page = mountAudit(view);
  else if (path === '/overview') page = mountOverview(view);
  else if (path === '/users') page = mountUsers(view);
  else if (path === '/account') page = mountAccount(view);
  else if (path === '/incidents') page = mountIncidents(view, params);
  else page = mountAlerts(view);
  for (const a of document.querySelectorAll('#nav a')) {
    const current = path.startsWith(a.getAttribute('href').slice(1));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    $('login-error').textContent = 'Enter your user name and password.';
    return;
  }
  $('login-submit').disabled = true;
  $('login-error').textContent = '';
  try {
    await login(username, password);
    $('password').value = '';
    showApp();
  } catch (err) {
    $('login-error').textContent = err.status === 429
      ? 'Too many attempts: try again in ' + (err.retryAfter || 'a few') + ' seconds.'
      : err.message || 'Login failed.';
    $('password').select();
  } finally {
    $('login-submit').disabled = false;
  }
});

$('logout').addEventListener('click', () => logout(''));
onLogout((reason) => showLogin(reason));
window.addEventListener('hashchange', route);

restore().then((who) => (who ? showApp() : showLogin('')));
toast('');
