// A WebSocket that stays connected: the access token goes in the `bearer` subprotocol, a dropped
// socket reconnects with jittered, capped back-off, and the caller's url() supplies the resume
// cursor (`since`) so that replay-then-live on the server fills what was missed.
//
// state: 'connecting' (first attempt), 'live' (welcome received), 'reconnecting', 'ended'.

const CLOSE_SESSION_ENDED = 4401;
const TERMINAL = new Set([4403, 4404]);
const PING_EVERY = 25_000;
const PONG_WITHIN = 10_000;

export class LiveSocket extends EventTarget {
  /**
   * @param auth  the session (access tokens, refresh)
   * @param url   () => the path to open, with the resume cursor of the moment
   * @param onFrame (frame) => void, every parsed frame
   * @param api   used to tell a refused upgrade (session over) from a network failure
   */
  constructor({auth, url, onFrame, api}) {
    super();
    this.auth = auth;
    this.url = url;
    this.onFrame = onFrame;
    this.api = api;
    this.state = 'idle';
    this.ws = null;
    this.failures = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.generation = 0; // a connect started before a stop() or a later start() gives up
  }

  start() {
    this.stopped = false;
    this.generation += 1;
    this.connect('connecting');
  }

  stop() {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.clearPing();
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close(1000, 'closed by the client');
      this.ws = null;
    }
    this.setState('ended');
  }

  get live() {
    return this.state === 'live' && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is live; false otherwise (the caller keeps it for later). */
  send(frame) {
    if (!this.live) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  setState(state, detail) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: {state, ...detail}}));
  }

  async connect(state) {
    if (this.stopped) return;
    const generation = this.generation;
    this.setState(state);
    let token;
    try {
      token = await this.auth.accessToken();
    } catch {
      // signed out: the app goes back to sign-in; a refresh that failed for the network is tried again
      if (this.auth.signedIn && generation === this.generation) {
        this.failures += 1;
        this.retryTimer = setTimeout(() => this.connect('reconnecting'), this.backoff(0));
        this.setState('reconnecting');
      }
      return;
    }
    if (this.stopped || generation !== this.generation) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let opened = false;
    const ws = new WebSocket(`${scheme}//${location.host}${this.url()}`, ['bearer', token]);
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.armPing();
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === 'pong') {
        clearTimeout(this.pongTimer);
        return;
      }
      if (frame.type === 'welcome') {
        this.failures = 0;
        this.setState('live');
      }
      this.onFrame(frame);
    };
    ws.onclose = (event) => this.closed(event, opened);
  }

  async closed(event, opened) {
    this.clearPing();
    this.ws = null;
    if (this.stopped) return;
    if (TERMINAL.has(event.code)) {
      this.setState('ended', {code: event.code, reason: event.reason});
      return;
    }
    if (event.code === CLOSE_SESSION_ENDED || (!opened && this.failures >= 1)) {
      // The session ended (4401: logout, disabled user), or the upgrade was refused, which looks like a
      // network failure to a page: the API says whether we are still signed in (a 401 there tries a refresh).
      try {
        await this.api.get('/api/me');
      } catch (e) {
        if (e.status === 401 || !this.auth.signedIn) {
          this.setState('ended', {code: 4401});
          return;
        }
      }
    }
    this.failures += 1;
    this.retryTimer = setTimeout(() => this.connect('reconnecting'), this.backoff(event.code));
    this.setState('reconnecting', {code: event.code});
  }

  /** 0.25–0.5 s doubling to at most 10 s, each with jitter; a node shutting down (1012) spreads its clients over 0–2 s. */
  backoff(code) {
    const base = Math.min(10_000, 500 * 2 ** Math.min(this.failures - 1, 5));
    const jittered = base / 2 + Math.random() * (base / 2);
    return code === 1012 && this.failures === 1 ? Math.random() * 2_000 : jittered;
  }

  /** A silent dead connection (a lost network) shows only when a ping goes unanswered. */
  armPing() {
    this.clearPing();
    this.pingTimer = setInterval(() => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send('{"type":"ping"}');
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        // a dead network would hold a closing handshake for a long time: drop the socket and go on at once
        const ws = this.ws;
        if (!ws) return;
        ws.onclose = null;
        ws.onmessage = null;
        ws.close(4000, 'no pong');
        this.closed({code: 4000, reason: 'no pong'}, true);
      }, PONG_WITHIN);
    }, PING_EVERY);
  }

  clearPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}
