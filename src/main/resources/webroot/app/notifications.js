// The bell: the unread count and the latest notifications, fed live by /ws/notifications (which
// also carries the banner and, for users with modules.view, module changes).

import {h, fill, timeOf, toast} from './dom.js';
import {query, enc} from './api.js';
import {LiveSocket} from './socket.js';

export class Bell extends EventTarget {
  constructor(app) {
    super();
    this.app = app;
    this.api = app.api;
    this.unread = 0;
    this.lastId = null;
    this.badge = h('span', {class: 'badge', hidden: true});
    this.button = h('button', {type: 'button', class: 'icon-button bell', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
      'aria-label': 'Notifications', onclick: () => this.toggle()}, h('img', {src: '/app/bell.svg', alt: '', class: 'icon'}), this.badge);
    this.list = h('ul', {class: 'notification-list'});
    this.panel = h('div', {class: 'popover notifications', role: 'dialog', 'aria-label': 'Notifications', hidden: true},
      h('div', {class: 'popover-head'}, h('h2', {text: 'Notifications'}),
        h('button', {type: 'button', class: 'link', text: 'Mark all read', onclick: () => this.readAll()})),
      this.list);
    this.el = h('div', {class: 'bell-wrap'}, this.button, this.panel);
    this.countTimer = null;
  }

  start() {
    this.socket = new LiveSocket({
      auth: this.app.auth,
      api: this.api,
      url: () => `/ws/notifications${query({since: this.lastId})}`,
      onFrame: (f) => this.onFrame(f),
    });
    this.socket.start();
  }

  stop() {
    if (!this.panel.hidden) this.close();
    if (this.socket) this.socket.stop();
    clearTimeout(this.countTimer);
  }

  onFrame(f) {
    if (f.type === 'welcome') {
      if (this.lastId == null) this.lastId = f.lastId;
      this.refreshCount();
    } else if (f.type === 'notification') {
      const n = f.notification;
      this.lastId = n.id;
      if (!n.read) this.setUnread(this.unread + 1);
      if (!this.panel.hidden) this.list.prepend(this.item(n));
      toast(`${n.title}${n.body ? `: ${n.body}` : ''}`);
      this.refreshCount();
    } else if (f.type === 'banner') {
      this.app.banner.show(f);
    } else if (f.type === 'module') {
      this.dispatchEvent(new CustomEvent('module', {detail: f}));
    }
  }

  /** The server's count, a moment after a change (a live frame and a count read may cross). */
  refreshCount() {
    clearTimeout(this.countTimer);
    this.countTimer = setTimeout(async () => {
      try {
        const page = await this.api.get(`/api/notifications${query({unread: true, limit: 1})}`);
        this.setUnread(page.unreadCount ?? page.items.length);
      } catch {
        // the next frame tries again
      }
    }, 300);
  }

  setUnread(n) {
    this.unread = Math.max(0, n);
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = this.unread > 99 ? '99+' : String(this.unread);
    this.button.setAttribute('aria-label', this.unread ? `Notifications, ${this.unread} unread` : 'Notifications');
  }

  async toggle() {
    if (!this.panel.hidden) {
      this.close();
      return;
    }
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    fill(this.list, h('li', {class: 'muted', text: 'Loading…'}));
    this.closer = (e) => {
      if (e.type === 'keydown' && e.key === 'Escape') {
        this.close();
        this.button.focus();
      } else if (e.type === 'click' && !this.el.contains(e.target)) {
        this.close();
      }
    };
    document.addEventListener('click', this.closer);
    document.addEventListener('keydown', this.closer);
    try {
      const page = await this.api.get(`/api/notifications${query({limit: 20})}`);
      fill(this.list, page.items.length ? page.items.map((n) => this.item(n)) : h('li', {class: 'muted', text: 'Nothing yet.'}));
    } catch (e) {
      fill(this.list, h('li', {class: 'form-error', text: e.message}));
    }
  }

  close() {
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', this.closer);
    document.removeEventListener('keydown', this.closer);
  }

  item(n) {
    const li = h('li', {class: `notification${n.read ? '' : ' unread'}`},
      h('button', {type: 'button', class: 'notification-open', onclick: () => this.markRead(n, li)},
        h('strong', {text: n.title}),
        n.body ? h('span', {class: 'notification-body', text: n.body}) : null,
        h('time', {datetime: n.createdAt, text: timeOf(n.createdAt)})));
    return li;
  }

  async markRead(n, li) {
    if (n.read) return;
    try {
      await this.api.post(`/api/notifications/${enc(n.id)}/read`);
      n.read = true;
      li.classList.remove('unread');
      this.setUnread(this.unread - 1);
      this.refreshCount();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async readAll() {
    try {
      await this.api.post('/api/notifications/read-all');
      for (const li of this.list.querySelectorAll('.unread')) li.classList.remove('unread');
      this.setUnread(0);
    } catch (e) {
      toast(e.message, 'error');
    }
  }
}
