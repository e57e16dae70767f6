// Switchboard's web client: plain ES modules on the public API (/docs), no build step.
// Routes live in the location hash: #/ (the lists), #/c/<conversation id or room name>.

import {h, fill, avatar, toast} from './dom.js';
import {Api} from './api.js';
import {Auth} from './auth.js';
import {Banner} from './banner.js';
import {Bell} from './notifications.js';
import {Sidebar} from './sidebar.js';
import {ChatView} from './chat.js';
import {signInView} from './signin.js';
import {openProfile} from './profile.js';
import {AdminView, visiblePages} from './admin/admin.js';

class App {
  constructor(root) {
    this.root = root;
    this.auth = new Auth();
    this.api = new Api(this.auth);
    this.banner = new Banner();
    this.chat = null;
    this.auth.addEventListener('signedout', (e) => this.leave(e.detail.reason));
    this.auth.addEventListener('signedin', () => this.enter());
    window.addEventListener('hashchange', () => this.route());
  }

  start() {
    // /admin is the same page, opened on the console
    if (location.pathname === '/admin' && !location.hash.startsWith('#/admin')) history.replaceState(null, '', '/admin#/admin');
    if (this.auth.signedIn) this.enter();
    else this.leave(null);
  }

  async enter() {
    if (this.entered) return;
    this.entered = true;
    try {
      this.me = await this.api.get('/api/me');
    } catch (e) {
      this.entered = false;
      if (e.status === 401 || !this.auth.signedIn) this.leave('Your session has ended. Please sign in again.');
      else fill(this.root, h('main', {class: 'signin'}, h('p', {role: 'alert', text: `The server cannot be reached: ${e.message}`}),
        h('button', {type: 'button', text: 'Try again', onclick: () => this.enter()})));
      return;
    }
    this.auth.setUser(this.me);
    this.bell = new Bell(this);
    this.sidebar = new Sidebar(this);
    this.pane = h('main', {class: 'pane', id: 'pane'});
    this.profileButton = h('button', {type: 'button', class: 'profile-button', 'aria-label': 'Your profile', onclick: () => openProfile(this)});
    this.drawProfileButton();
    fill(this.root,
      h('a', {class: 'skip-link', href: '#pane', text: 'Skip to the conversation', onclick: (e) => {
        e.preventDefault();
        const target = this.root.querySelector('#composer-text') || this.pane;
        target.focus();
      }}),
      h('header', {class: 'topbar'},
        h('a', {class: 'brand', href: '#/'}, h('img', {src: '/app/icon.svg', alt: '', class: 'logo'}), h('span', {text: 'Switchboard'})),
        h('div', {class: 'top-actions'},
          visiblePages(this.me).length ? h('a', {class: 'admin-link', href: '#/admin', text: 'Admin'}) : null,
          this.bell.el, this.profileButton)),
      this.banner.el,
      h('div', {class: 'main'}, this.sidebar.el, this.pane));
    this.pane.setAttribute('tabindex', '-1');
    this.banner.load(this.api);
    this.bell.start();
    this.sidebar.start();
    this.route();
  }

  drawProfileButton() {
    fill(this.profileButton, avatar(this.me, 'sm'), h('span', {class: 'profile-name', text: this.me.displayName || this.me.username}));
  }

  updateMe(user) {
    this.me = {...this.me, ...user};
    this.auth.setUser(this.me);
    this.drawProfileButton();
  }

  /** Back to sign-in: every socket closed, the reason shown. */
  leave(reason) {
    this.entered = false;
    if (this.admin) this.admin.close();
    this.admin = null;
    if (this.chat) this.chat.close();
    this.chat = null;
    if (this.bell) this.bell.stop();
    if (this.sidebar) this.sidebar.stop();
    this.bell = null;
    this.sidebar = null;
    document.body.dataset.view = 'signin';
    fill(this.root, signInView(this.auth, reason));
  }

  route() {
    if (!this.entered || !this.sidebar) return;
    const admin = /^#\/admin(?:\/([a-z-]+))?$/.exec(location.hash);
    if (admin) {
      this.openAdmin(admin[1] || null);
      return;
    }
    if (this.admin) this.admin.close();
    this.admin = null;
    const match = /^#\/c\/(.+)$/.exec(location.hash);
    let ref = null;
    try {
      ref = match ? decodeURIComponent(match[1]) : null;
    } catch {
      ref = null; // a malformed link opens the lists
    }
    if (this.chat && (this.chat.ref === ref || this.chat.id === ref)) return;
    if (this.chat) this.chat.close();
    this.chat = null;
    if (!ref) {
      document.body.dataset.view = 'list';
      this.sidebar.setActive(null);
      this.sidebar.refresh();
      fill(this.pane, h('div', {class: 'pane-empty'}, h('p', {text: 'Pick a conversation or a room, or create one.'})));
      return;
    }
    document.body.dataset.view = 'chat';
    const chat = new ChatView(this, ref);
    this.chat = chat;
    fill(this.pane, chat.el);
    chat.open().then(() => {
      if (this.chat === chat && chat.id) this.sidebar.setActive(chat.id);
    }).catch((e) => toast(`Cannot open the conversation: ${e.message}`, 'error'));
  }

  openAdmin(page) {
    if (this.chat) this.chat.close();
    this.chat = null;
    if (this.admin) this.admin.close();
    document.body.dataset.view = 'admin';
    this.sidebar.setActive(null);
    const view = new AdminView(this, page);
    this.admin = view;
    fill(this.pane, view.el);
    view.open().catch((e) => toast(`Cannot open the page: ${e.message}`, 'error'));
  }

  socketState(state) {
    document.body.dataset.socket = state;
  }

  refreshLists() {
    if (this.sidebar) this.sidebar.refresh();
  }

  markedRead(id, seq) {
    if (this.sidebar) this.sidebar.markedRead(id, seq);
  }
}

new App(document.getElementById('app')).start();
