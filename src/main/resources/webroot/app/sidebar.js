// The lists beside the chat: the caller's conversations with unread counts, and the public rooms
// with participant and online counts. Refreshed every few seconds and when the tab comes back.

import {h, fill, dialog, toast} from './dom.js';
import {query} from './api.js';

const REFRESH_MS = 15_000;

export class Sidebar {
  constructor(app) {
    this.app = app;
    this.api = app.api;
    this.active = null;
    this.readUpTo = new Map(); // conversation id -> seq this page read to (a list read may predate the marker's write)
    this.conversations = h('ul', {class: 'conv-list', 'aria-label': 'Your conversations'});
    this.rooms = h('ul', {class: 'room-list', 'aria-label': 'Public rooms'});
    const me = app.me;
    const canCreate = me.superuser || (me.permissions || []).includes('rooms.create');
    this.el = h('nav', {class: 'sidebar', 'aria-label': 'Conversations and rooms'},
      h('section', {class: 'side-section'},
        h('h2', {text: 'Your conversations'}), this.conversations),
      h('section', {class: 'side-section'},
        h('div', {class: 'side-head'}, h('h2', {text: 'Rooms'}),
          canCreate ? h('button', {type: 'button', class: 'small', text: 'New room', onclick: () => this.createRoom()}) : null),
        this.rooms));
    this.onVisible = () => {
      if (document.visibilityState === 'visible') this.refresh();
    };
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  stop() {
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  async refresh() {
    try {
      const [mine, rooms] = await Promise.all([
        this.api.get(`/api/conversations${query({limit: 100})}`),
        this.api.get(`/api/rooms${query({limit: 100})}`),
      ]);
      this.mine = mine.items;
      fill(this.conversations, mine.items.length ? mine.items.map((c) => this.conversationItem(c))
        : h('li', {class: 'muted', text: 'None yet: join a room below.'}));
      fill(this.rooms, rooms.items.length ? rooms.items.map((r) => this.roomItem(r)) : h('li', {class: 'muted', text: 'No public rooms yet.'}));
      this.highlight();
    } catch (e) {
      if (e.status !== 401) toast(`Cannot load the lists: ${e.message}`, 'error');
    }
  }

  conversationItem(c) {
    const unread = c.id === this.active || (this.readUpTo.get(c.id) || 0) >= c.lastSeq ? 0 : c.unread;
    const title = c.title || (c.name ? `#${c.name}` : c.kind === 'direct' ? 'Direct conversation' : 'Group conversation');
    return h('li', {dataset: {id: c.id}},
      h('a', {href: `#/c/${encodeURIComponent(c.id)}`, class: 'side-link', 'aria-label': unread ? `${title}, ${unread} unread` : title},
        h('span', {class: 'side-title', text: title}),
        unread ? h('span', {class: 'badge', 'aria-hidden': 'true', text: unread > 99 ? '99+' : String(unread)}) : null));
  }

  roomItem(r) {
    return h('li', {dataset: {id: r.id}},
      h('a', {href: `#/c/${encodeURIComponent(r.name)}`, class: 'side-link'},
        h('span', {class: 'side-title', text: r.title || `#${r.name}`}),
        h('span', {class: 'side-sub', text: `#${r.name} · ${r.participantCount} member${r.participantCount === 1 ? '' : 's'} · ${r.onlineCount} online`})));
  }

  setActive(id) {
    this.active = id;
    this.highlight();
  }

  /** The open conversation was read to its end: its badge goes at once, not at the next refresh. */
  markedRead(id, seq) {
    if (seq) this.readUpTo.set(id, Math.max(seq, this.readUpTo.get(id) || 0));
    const li = this.conversations.querySelector(`li[data-id="${CSS.escape(id)}"]`);
    const badge = li && li.querySelector('.badge');
    if (badge) badge.remove();
  }

  highlight() {
    for (const a of this.el.querySelectorAll('.side-link')) {
      const id = a.parentElement.dataset.id;
      if (id === this.active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (this.active) this.markedRead(this.active);
  }

  createRoom() {
    const error = h('p', {class: 'form-error', role: 'alert'});
    const name = h('input', {id: 'room-name', name: 'name', required: true, minlength: '2', maxlength: '64', pattern: '[a-zA-Z0-9][a-zA-Z0-9_\\-]*',
      autocomplete: 'off', 'aria-describedby': 'room-name-hint'});
    const title = h('input', {id: 'room-title', name: 'title', maxlength: '128', autocomplete: 'off'});
    const isPublic = h('input', {id: 'room-public', type: 'checkbox', checked: true});
    const submit = h('button', {type: 'submit', class: 'primary', text: 'Create room'});
    const form = h('form', {class: 'stack'},
      h('label', {for: 'room-name', text: 'Name'}), name,
      h('p', {id: 'room-name-hint', class: 'hint', text: 'Letters, digits, - and _; used in the room\'s address.'}),
      h('label', {for: 'room-title', text: 'Title (optional)'}), title,
      h('label', {class: 'check'}, isPublic, ' Public: anyone signed in can find and join it'),
      error,
      h('div', {class: 'dialog-actions'}, submit));
    const d = dialog('New room', form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        const body = {kind: 'room', name: name.value.trim(), public: isPublic.checked};
        if (title.value.trim()) body.title = title.value.trim();
        const room = await this.api.post('/api/conversations', body);
        d.close();
        await this.refresh();
        location.hash = `#/c/${encodeURIComponent(room.id)}`;
      } catch (err) {
        submit.disabled = false;
        error.textContent = err.status === 409 ? 'A room with that name exists already.' : err.message;
      }
    });
    name.focus();
  }
}
