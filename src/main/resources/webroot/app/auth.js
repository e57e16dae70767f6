// The signed-in session: tokens kept in localStorage (so a reload stays signed in), the access token
// refreshed before it expires, and every tab of this browser sharing one session. Refresh tokens
// rotate and a reused one ends the whole session, so tabs refresh one at a time (a Web Lock where the
// browser has one) and adopt the pair another tab stored.

import {call, ApiError} from './api.js';

const KEY = 'switchboard.session';
const LOCK = 'switchboard.refresh';

function load() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY));
    return s && s.accessToken && s.refreshToken ? s : null;
  } catch {
    return null;
  }
}

export class Auth extends EventTarget {
  constructor() {
    super();
    this.session = load();
    this.timer = null;
    this.inflight = null;
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel(KEY) : null;
    if (this.channel) this.channel.onmessage = () => this.adopt();
    window.addEventListener('storage', (e) => {
      if (e.key === KEY) this.adopt();
    });
    this.schedule();
  }

  get user() {
    return this.session && this.session.user;
  }

  get signedIn() {
    return this.session != null;
  }

  /** Another tab changed the session: take its tokens, or follow it out. */
  adopt() {
    const stored = load();
    const was = this.session;
    this.session = stored;
    this.schedule();
    if (!stored && was) this.dispatchEvent(new CustomEvent('signedout', {detail: {reason: 'signed out in another tab'}}));
    else if (stored && !was) this.dispatchEvent(new CustomEvent('signedin'));
    else if (stored && was && stored.user && was.user && stored.user.id !== was.user.id) {
      // another tab signed in as someone else: start again as that user
      this.dispatchEvent(new CustomEvent('signedout', {detail: {reason: 'signed in as another user in another tab'}}));
      this.dispatchEvent(new CustomEvent('signedin'));
    }
  }

  store(tokens) {
    const user = tokens.user || (this.session && this.session.user);
    this.session = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
      lifetime: tokens.expiresIn * 1000,
      user,
    };
    localStorage.setItem(KEY, JSON.stringify(this.session));
    if (this.channel) this.channel.postMessage('changed');
    this.schedule();
  }

  setUser(user) {
    if (!this.session) return;
    this.session.user = {...this.session.user, ...user};
    localStorage.setItem(KEY, JSON.stringify(this.session));
    this.dispatchEvent(new CustomEvent('user', {detail: this.session.user}));
  }

  async signIn(username, password, captcha) {
    const body = {username, password};
    if (captcha) Object.assign(body, captcha);
    const tokens = await call('POST', '/api/auth/login', {json: body});
    this.store(tokens);
    this.dispatchEvent(new CustomEvent('signedin'));
  }

  async register(username, password, displayName) {
    const body = {username, password};
    if (displayName) body.displayName = displayName;
    await call('POST', '/api/auth/register', {json: body});
    await this.signIn(username, password);
  }

  async signOut() {
    const s = this.session;
    this.end('signed out');
    if (s) {
      try {
        await call('POST', '/api/auth/logout', {json: {refreshToken: s.refreshToken}, token: s.accessToken});
      } catch {
        // the tokens are gone from this browser either way
      }
    }
  }

  /** Forgets the session (it ended on the server, or the user signed out) and says why. */
  end(reason) {
    if (!this.session) return;
    this.session = null;
    localStorage.removeItem(KEY);
    if (this.channel) this.channel.postMessage('changed');
    clearTimeout(this.timer);
    this.dispatchEvent(new CustomEvent('signedout', {detail: {reason}}));
  }

  /** A valid access token, refreshed first when it is about to expire. */
  async accessToken() {
    if (!this.session) throw new ApiError(401, 'unauthorized', 'Signed out');
    if (this.session.expiresAt - Date.now() < this.margin()) await this.refresh(this.session.accessToken);
    if (!this.session) throw new ApiError(401, 'unauthorized', 'Signed out');
    return this.session.accessToken;
  }

  /**
   * Exchanges the refresh token for a new pair, unless the token `stale` was already replaced (by
   * this tab or another). A refused refresh ends the session; a network failure is retried later.
   */
  refresh(stale) {
    if (!this.inflight) {
      const run = () => this.refreshOnce(stale);
      const locked = navigator.locks ? navigator.locks.request(LOCK, run) : run();
      this.inflight = locked.finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  async refreshOnce(stale) {
    const stored = load();
    if (!stored) {
      this.end('signed out');
      return;
    }
    if (stored.accessToken !== stale && stored.expiresAt - Date.now() > this.margin()) {
      this.session = stored;
      this.schedule();
      return;
    }
    try {
      this.store(await call('POST', '/api/auth/refresh', {json: {refreshToken: stored.refreshToken}}));
    } catch (e) {
      if (e.status === 401 || e.status === 400 || e.status === 403) {
        this.end('Your session has ended. Please sign in again.');
      }
      throw e;
    }
  }

  /** How close to its expiry a token is too old to use: 15 s, or a tenth of a short lifetime. */
  margin() {
    return Math.min(15_000, ((this.session && this.session.lifetime) || 150_000) * 0.1);
  }

  /** Refreshes ahead of expiry, at 80 % of the token's lifetime. */
  schedule() {
    clearTimeout(this.timer);
    if (!this.session) return;
    const s = this.session;
    const wait = Math.max(1_000, s.expiresAt - (s.lifetime || 0) * 0.2 - Date.now());
    this.timer = setTimeout(() => {
      this.refresh(s.accessToken).catch(() => {
        if (this.session) this.timer = setTimeout(() => this.schedule(), 10_000);
      });
    }, wait);
  }
}
