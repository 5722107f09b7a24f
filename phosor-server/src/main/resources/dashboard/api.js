// The session and the API client. The access token lives in memory and in sessionStorage: it survives a
// reload of this tab but not closing it, is not shared with other tabs and is not kept on disk across
// browser restarts the way localStorage is. It is never put in a cookie (no CSRF) nor in a URL (no logs).

const KEY = 'phosor.token';
let token = null;
let expiresAt = 0;
let expiryTimer = null;
let session = null;
const logoutListeners = [];

/** An API error: the HTTP status and the server's JSON error ({status, error, message}). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

function expiryOf(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp * 1000;
  } catch {
    return 0;
  }
}

function keep(jwt) {
  const exp = expiryOf(jwt);
  if (!exp || exp <= Date.now()) {
    forget();
    return false;
  }
  token = jwt;
  expiresAt = exp;
  sessionStorage.setItem(KEY, jwt);
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => logout('Your session expired: log in again.'), exp - Date.now());
  return true;
}

function forget() {
  token = null;
  session = null;
  expiresAt = 0;
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(KEY);
}

/** The current token (for the WebSocket subprotocol), or null. */
export function currentToken() {
  return token && expiresAt > Date.now() ? token : null;
}

/** Calls `fn(reason)` whenever the session ends (logout, expiry, 401). */
export function onLogout(fn) {
  logoutListeners.push(fn);
}

/** Ends the session: forgets the token and tells the page. */
export function logout(reason = '') {
  const had = token !== null;
  forget();
  if (had || reason) logoutListeners.forEach((fn) => fn(reason));
}

/** Logs in with the API's login route; throws an ApiError with the server's message when refused. */
export async function login(username, password) {
  const r = await fetch('/api/auth/token', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({username, password}),
    credentials: 'omit',
    cache: 'no-store',
  });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const e = new ApiError(r.status, body);
    e.retryAfter = r.headers.get('Retry-After');
    throw e;
  }
  keep(body.access_token);
  return loadSession();
}

/** Picks up the token of this tab after a reload; null when there is none (or it expired). */
export async function restore() {
  const saved = sessionStorage.getItem(KEY);
  if (!saved || !keep(saved)) return null;
  try {
    return await loadSession();
  } catch {
    forget();
    return null;
  }
}

async function loadSession() {
  session = await api('GET', '/api/auth/me');
  return session;
}

/** Who is logged in: {username, role, kind}. */
export function me() {
  return session;
}

/** Whether the caller may work alerts and incidents (analyst, admin, or the API token). */
export function canAct() {
  return !!session && (session.role === 'analyst' || session.role === 'admin' || session.kind === 'api_token');
}

/** Calls the API with the token; a 401 ends the session. Answers the parsed JSON (null for 204). */
export async function api(method, path, body) {
  return call(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

/**
 * Sends `text` as is with `contentType` (a YAML rule, a Sigma file), otherwise like `api`: the token, a 401 ends
 * the session, the parsed JSON answer, an ApiError with the server's message when refused.
 */
export async function apiText(method, path, text, contentType) {
  return call(method, path, String(text), contentType);
}

async function call(method, path, payload, contentType) {
  if (!currentToken()) {
    logout('Your session expired: log in again.');
    throw new ApiError(401, {message: 'not logged in'});
  }
  const opts = {method, headers: {Authorization: 'Bearer ' + token}, credentials: 'omit', cache: 'no-store'};
  if (payload !== undefined) {
    opts.headers['Content-Type'] = contentType;
    opts.body = payload;
  }
  const r = await fetch(path, opts);
  const text = await r.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = {message: text.slice(0, 200)};
  }
  if (r.status === 401) {
    logout('Your session ended (' + ((data && data.message) || 'unauthorized') + '): log in again.');
  }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}
