// The live feed (/ws/events, docs/live-feed.md): the token goes as the second subprotocol, since a browser
// cannot set headers on a WebSocket. Reconnects by itself with exponential backoff and jitter.

const TOPICS = ['alert', 'alert_enriched', 'incident', 'stats'];
const MAX_DELAY_MS = 30000;

export class LiveFeed {
  /**
   * tokenFn: the current token or null; onMessage(msg): every message, plus {type: 'resync'} after a gap
   * (a reconnection or a `dropped` notice: re-read the lists); onState(state, delayMs): live, connecting,
   * reconnecting, offline.
   */
  constructor(tokenFn, onMessage, onState) {
    this.tokenFn = tokenFn;
    this.onMessage = onMessage;
    this.onState = onState;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.stopped = true;
    this.connectedOnce = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'logout');
    this.ws = null;
    this.onState('offline');
  }

  connect() {
    const token = this.tokenFn();
    if (this.stopped || !token) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(scheme + '//' + location.host + '/ws/events', ['phosor', token]);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    this.onState('connecting');
    ws.onopen = () => {
      this.attempt = 0;
      this.onState('live');
      ws.send(JSON.stringify({subscribe: TOPICS}));
      if (this.connectedOnce) this.onMessage({type: 'resync'});
      this.connectedOnce = true;
    };
    ws.onmessage = (m) => {
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      this.onMessage(msg.type === 'dropped' ? {type: 'resync'} : msg);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      this.onMessage({type: 'closed', code: e.code, reason: e.reason});
      this.retry();
    };
  }

  retry() {
    if (this.stopped) return;
    const delay = Math.round(Math.min(MAX_DELAY_MS, 1000 * 2 ** this.attempt) * (0.5 + Math.random() / 2));
    this.attempt = Math.min(this.attempt + 1, 10);
    this.onState('reconnecting', delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
