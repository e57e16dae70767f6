// One open conversation: history over HTTP, then the conversation socket with `since` (replay, then
// live). Every message is kept by its seq, so a replayed or repeated frame never shows twice.

import {h, fill, timeOf, avatar, randomId, toast} from './dom.js';
import {enc, query} from './api.js';
import {LiveSocket} from './socket.js';
import {previewAndSend, pictureFrom, showFullSize} from './pictures.js';

const PAGE = 50;
const TYPING_SHOWN_MS = 4_000;
const TYPING_SENT_EVERY_MS = 3_000;

const STATE_TEXT = {connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', ended: 'Disconnected', idle: 'Connecting…'};

export class ChatView {
  constructor(app, ref) {
    this.app = app;
    this.api = app.api;
    this.ref = ref;
    this.me = app.me;
    this.messages = new Map(); // seq -> {message, el}
    this.pending = new Map(); // clientMsgId -> {text, el, seq?, failed?}
    this.people = new Map(); // userId -> sender
    this.online = new Set();
    this.readMarkers = new Map(); // userId -> seq
    this.typing = new Map(); // userId -> timer
    this.minSeq = Infinity;
    this.maxSeq = 0;
    this.resumeSeq = 0; // the reconnect's since: advanced only by the newest history page and by socket frames
    this.hasMore = false;
    this.loadingOlder = false;
    this.recallWindowSeconds = 0;
    this.lastReadSent = 0;
    this.lastOwnSeq = 0;
    this.lastTypingSent = 0;
    this.socket = null;
    this.el = h('section', {class: 'chat', 'aria-busy': 'true'}, h('p', {class: 'chat-loading', text: 'Loading…'}));
  }

  async open() {
    try {
      this.details = await this.api.get(`/api/conversations/${enc(this.ref)}`);
    } catch (e) {
      if (this.closed) return;
      fill(this.el, h('p', {class: 'chat-empty', role: 'alert', text: e.status === 404 ? 'No such conversation.' : e.status === 403
        ? 'This conversation is private.' : `Cannot open the conversation: ${e.message}`}));
      this.el.removeAttribute('aria-busy');
      return;
    }
    if (this.closed) return;
    this.id = this.details.id;
    for (const p of this.details.participants || []) this.people.set(p.id, p);
    for (const u of this.details.online || []) this.online.add(u);
    this.build();
    const page = await this.api.get(`/api/conversations/${enc(this.id)}/messages${query({limit: PAGE})}`);
    if (this.closed) return;
    this.hasMore = page.hasMore;
    for (const m of page.items) this.put(m);
    this.resumeSeq = this.maxSeq;
    this.updateTop();
    this.scrollToBottom();
    this.el.removeAttribute('aria-busy');
    this.socket = new LiveSocket({
      auth: this.app.auth,
      api: this.api,
      url: () => `/ws/chat/${enc(this.id)}${query({since: this.resumeSeq})}`,
      onFrame: (f) => this.onFrame(f),
    });
    this.socket.addEventListener('state', (e) => this.showState(e.detail));
    this.socket.start();
  }

  close() {
    this.closed = true;
    this.closeMenu();
    if (this.socket) this.socket.stop();
    for (const t of this.typing.values()) clearTimeout(t);
    this.el.remove();
  }

  get title() {
    const d = this.details;
    if (d.title) return d.title;
    if (d.name) return `#${d.name}`;
    const others = (d.participants || []).filter((p) => p.id !== this.me.id);
    return others.map((p) => p.displayName || p.username).join(', ') || 'Conversation';
  }

  build() {
    const d = this.details;
    this.state = h('span', {class: 'conn', role: 'status', dataset: {state: 'connecting'}, text: STATE_TEXT.connecting});
    this.sub = h('span', {class: 'chat-sub'});
    this.list = h('ol', {class: 'messages'});
    this.top = h('div', {class: 'history-top'});
    this.history = h('div', {class: 'history', role: 'log', 'aria-label': `Messages in ${this.title}`, tabindex: '0', onscroll: () => this.onScroll()},
      this.top, this.list);
    this.jump = h('button', {type: 'button', class: 'jump', hidden: true, onclick: () => this.scrollToBottom(), text: 'New messages ↓'});
    this.typingLine = h('div', {class: 'typing', 'aria-live': 'polite'});
    this.notice = h('div', {class: 'notice', role: 'alert', hidden: true});
    this.footer = h('div', {class: 'chat-foot'});
    this.el.setAttribute('aria-label', `Conversation ${this.title}`);
    fill(this.el,
      h('header', {class: 'chat-head'},
        h('a', {class: 'icon-button back', href: '#/', 'aria-label': 'Back to conversations', text: '←'}),
        h('div', {class: 'chat-title'}, h('h2', {text: this.title}), this.sub),
        this.state),
      this.history, this.jump, this.typingLine, this.notice, this.footer);
    this.history.addEventListener('dragover', (e) => e.preventDefault());
    this.history.addEventListener('drop', (e) => {
      const file = pictureFrom(e.dataTransfer);
      if (file && this.participant) {
        e.preventDefault();
        this.sendPicture(file);
      }
    });
    this.participant = d.participant !== false;
    this.buildFooter();
    this.updateSub();
  }

  buildFooter() {
    if (!this.participant) {
      const join = h('button', {type: 'button', class: 'primary', text: 'Join room', onclick: () => this.join(join)});
      fill(this.footer, h('div', {class: 'join-bar'}, h('span', {text: 'You are watching this room.'}), join));
      return;
    }
    this.input = h('textarea', {id: 'composer-text', class: 'composer-text', rows: '1', maxlength: '4000', placeholder: 'Write a message…',
      'aria-describedby': 'composer-hint', autocomplete: 'off'});
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.grow();
      this.sendTyping();
    });
    this.input.addEventListener('paste', (e) => {
      const file = pictureFrom(e.clipboardData);
      if (file) {
        e.preventDefault();
        this.sendPicture(file);
      }
    });
    const picker = h('input', {type: 'file', accept: 'image/jpeg,image/png,image/gif,image/webp', class: 'visually-hidden', id: 'picture-input', tabindex: '-1', 'aria-label': 'Picture to send'});
    picker.addEventListener('change', () => {
      const file = picker.files[0];
      picker.value = '';
      if (file) this.sendPicture(file);
    });
    const form = h('form', {class: 'composer', onsubmit: (e) => {
      e.preventDefault();
      this.submit();
    }},
    h('button', {type: 'button', class: 'icon-button attach', 'aria-label': 'Send a picture', title: 'Send a picture', onclick: () => picker.click()}, h('img', {src: '/app/clip.svg', alt: '', class: 'icon'})),
    picker,
    h('label', {for: 'composer-text', class: 'visually-hidden', text: 'Message'}),
    this.input,
    h('button', {type: 'submit', class: 'primary send', text: 'Send'}));
    fill(this.footer, form, h('p', {id: 'composer-hint', class: 'visually-hidden', text: 'Enter sends, Shift+Enter starts a new line. Paste a picture to send it.'}));
  }

  async join(button) {
    button.disabled = true;
    try {
      await this.api.post(`/api/conversations/${enc(this.id)}/join`);
      this.participant = true;
      this.people.set(this.me.id, this.me);
      // a socket opened by a watcher stays one (typing is not relayed): open it again as a participant
      this.socket.stop();
      this.socket.start();
      this.buildFooter();
      this.refreshCount();
      this.app.refreshLists();
      this.input.focus();
    } catch (e) {
      button.disabled = false;
      toast(`Cannot join: ${e.message}`, 'error');
    }
  }

  /** Someone new came: the participant count is read again (rooms grow while they are open). */
  async refreshCount() {
    try {
      const d = await this.api.get(`/api/conversations/${enc(this.id)}`);
      this.details.participantCount = d.participantCount;
      for (const p of d.participants || []) this.people.set(p.id, {...p, ...this.people.get(p.id)});
      this.updateSub();
    } catch {
      // the count stays as it was
    }
  }

  updateSub() {
    const count = this.details.participantCount ?? this.people.size;
    fill(this.sub, `${count} participant${count === 1 ? '' : 's'} · ${this.online.size} online`);
  }

  showState({state, code}) {
    this.state.dataset.state = state;
    let text = STATE_TEXT[state] || state;
    if (state === 'ended' && code === 4403) text = 'Removed from the conversation';
    this.state.textContent = text;
    if (state === 'ended' && code === 4403) {
      this.participant = false;
      fill(this.footer, h('div', {class: 'join-bar', text: 'You are no longer in this conversation.'}));
    }
    this.app.socketState(state);
  }

  // ---- frames

  onFrame(f) {
    switch (f.type) {
      case 'welcome':
        this.recallWindowSeconds = f.recallWindowSeconds || 0;
        this.slowModeSeconds = f.slowModeSeconds || 0;
        this.online = new Set(f.online || []);
        this.updateSub();
        this.flushPending();
        this.markRead();
        break;
      case 'message':
        this.onMessage(f.message);
        break;
      case 'ack':
        this.onAck(f);
        break;
      case 'recalled':
      case 'deleted':
        this.tombstone(f.seq, f.type);
        break;
      case 'typing':
        this.showTyping(f.userId);
        break;
      case 'read':
        this.readMarkers.set(f.userId, f.seq);
        this.updateReceipts();
        break;
      case 'presence':
        if (f.online && !this.people.has(f.userId)) this.refreshCount();
        if (f.online) this.online.add(f.userId);
        else this.online.delete(f.userId);
        this.updateSub();
        break;
      case 'banner':
        this.app.banner.show(f);
        break;
      case 'error':
        this.onError(f);
        break;
      default:
    }
  }

  onMessage(m) {
    this.resumeSeq = Math.max(this.resumeSeq, m.seq);
    const near = this.nearBottom();
    const pending = m.clientMsgId && this.pending.get(m.clientMsgId);
    if (pending) {
      pending.el.remove();
      this.pending.delete(m.clientMsgId);
    }
    const first = this.messages.size === 0;
    if (this.put(m) && m.sender) this.clearTyping(m.sender.id);
    if (first) this.updateTop();
    const own = m.sender && m.sender.id === this.me.id;
    if (near || own) this.scrollToBottom();
    else this.jump.hidden = false;
    this.markRead();
  }

  onAck({clientMsgId, seq}) {
    const pending = this.pending.get(clientMsgId);
    if (!pending) return;
    pending.seq = seq;
    if (this.messages.has(seq)) {
      pending.el.remove();
      this.pending.delete(clientMsgId);
    } else {
      pending.el.querySelector('.status').textContent = 'Sent';
    }
  }

  onError(f) {
    const pending = f.ref != null && this.pending.get(f.ref);
    let text = f.message;
    if (f.code === 'rate_limited') {
      const wait = f.retryAfter || 1;
      text = `Slow down: you can send again in ${wait} s.${this.slowModeSeconds ? ` Slow mode allows one message every ${this.slowModeSeconds} s.` : ''}`;
    } else if (f.code === 'forbidden') {
      text = `Not allowed: ${f.message}`;
    }
    if (pending) this.fail(f.ref, text);
    if (f.code !== 'bad_since') this.showNotice(text, f.code === 'rate_limited' ? (f.retryAfter || 1) * 1000 + 1500 : 6000);
  }

  showNotice(text, ms) {
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, ms);
  }

  // ---- rendering

  /** Adds or replaces a stored message; false when that seq was already shown as it is. */
  put(m) {
    if (m.sender) this.people.set(m.sender.id, {...this.people.get(m.sender.id), ...m.sender});
    const known = this.messages.get(m.seq);
    if (known && known.message.state === m.state) return false;
    const el = this.render(m);
    if (known) {
      known.el.replaceWith(el);
    } else {
      this.insert(el, m.seq);
    }
    this.messages.set(m.seq, {message: m, el});
    this.minSeq = Math.min(this.minSeq, m.seq);
    this.maxSeq = Math.max(this.maxSeq, m.seq);
    if (m.sender && m.sender.id === this.me.id && m.seq >= (this.lastOwnSeq || 0)) {
      this.lastOwnSeq = m.seq;
      this.updateReceipts();
    }
    return true;
  }

  insert(el, seq) {
    // messages arrive mostly at the end: walk back from the last stored one, keeping pending sends last
    let after = null;
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      if (node.dataset.seq && Number(node.dataset.seq) < seq) {
        after = node;
        break;
      }
    }
    if (after) after.after(el);
    else this.list.prepend(el);
  }

  render(m) {
    const own = m.sender && m.sender.id === this.me.id;
    const gone = m.state !== 'visible';
    if (m.kind === 'system') {
      return h('li', {class: `message system${gone ? ' gone' : ''}`, dataset: {seq: String(m.seq)}},
        h('div', {class: 'system-body'},
          h('span', {class: 'system-label', text: 'Announcement'}),
          gone ? h('p', {class: 'text tombstone', text: m.state === 'recalled' ? 'Announcement recalled' : 'Announcement deleted'})
            : [m.text ? h('p', {class: 'text', text: m.text}) : null, m.image ? this.picture(m) : null],
          h('time', {datetime: m.createdAt, text: timeOf(m.createdAt)})),
        gone ? null : this.menuButton(m, own));
    }
    const sender = m.sender || {displayName: 'Someone'};
    const name = sender.displayName || sender.username;
    let content;
    if (gone) {
      content = h('p', {class: 'text tombstone', text: m.state === 'recalled' ? (own ? 'You recalled a message' : `${name} recalled a message`) : 'Message deleted'});
    } else {
      content = [m.image ? this.picture(m) : null, m.text ? h('p', {class: 'text', text: m.text}) : null];
    }
    return h('li', {class: `message ${own ? 'own' : 'other'}${gone ? ' gone' : ''}`, dataset: {seq: String(m.seq)}},
      own ? null : avatar(sender, 'sm'),
      h('div', {class: 'bubble-wrap'},
        h('div', {class: 'meta'}, own ? null : h('span', {class: 'sender', text: name}), h('time', {datetime: m.createdAt, text: timeOf(m.createdAt)})),
        h('div', {class: `bubble${!gone && m.image && !m.text ? ' media' : ''}`}, content),
        own ? h('div', {class: 'receipt'}) : null),
      gone ? null : this.menuButton(m, own));
  }

  picture(m) {
    const img = h('img', {src: m.image.url, width: String(m.image.width), height: String(m.image.height), alt: m.text ? `Picture: ${m.text}` : 'Picture', loading: 'lazy'});
    img.addEventListener('load', () => {
      if (this.stickToBottom) this.scrollToBottom();
    });
    return h('button', {type: 'button', class: 'picture', 'aria-label': 'Open the picture full size', onclick: () => showFullSize(m.image, m.text)}, img);
  }

  menuButton(m, own) {
    const moderator = this.me.superuser || (this.me.permissions || []).includes('rooms.moderate') || this.details.ownerId === this.me.id;
    const actions = [];
    // offered to the sender; whether the window is still open is decided when the menu opens
    if (own && m.kind === 'user') actions.push(['Recall', 'recall']);
    if (own || moderator) actions.push(['Delete', 'delete']);
    if (!actions.length) return null;
    const button = h('button', {type: 'button', class: 'icon-button menu-button', 'aria-label': 'Message actions', 'aria-haspopup': 'menu', text: '⋯'});
    button.addEventListener('click', (e) => {
      e.stopPropagation();
      this.openMenu(button, m, actions);
    });
    return h('span', {class: 'menu-anchor'}, button);
  }

  openMenu(button, m, actions) {
    this.closeMenu();
    // the window may have passed since the message was drawn
    const young = Date.now() - Date.parse(m.createdAt) < this.recallWindowSeconds * 1000;
    const items = actions.filter(([, kind]) => kind !== 'recall' || young).map(([label, kind]) => h('button', {type: 'button', role: 'menuitem', class: `menu-item menu-${kind}`, text: label,
      onclick: () => {
        this.closeMenu();
        this.act(kind, m.seq);
        // the message (and the button that had focus) is redrawn: focus goes back to the list
        this.history.focus();
      }}));
    if (!items.length) return;
    // opens downwards from the button, or upwards in the lower half of the list, so the list never clips it
    const list = this.history.getBoundingClientRect();
    const up = button.getBoundingClientRect().top > list.top + list.height / 2;
    const menu = h('div', {class: `menu${up ? ' up' : ''}`, role: 'menu'}, items);
    menu.addEventListener('keydown', (e) => {
      const at = items.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
      } else if (e.key === 'Tab') {
        this.closeMenu();
      }
    });
    button.after(menu);
    button.setAttribute('aria-expanded', 'true');
    items[0].focus();
    this.menu = {menu, button};
    this.menuCloser = (e) => {
      if (e.type === 'keydown' && e.key !== 'Escape') return;
      if (e.type === 'click' && menu.contains(e.target)) return;
      this.closeMenu();
      if (e.type === 'keydown') button.focus();
    };
    const closer = this.menuCloser;
    setTimeout(() => {
      if (this.menuCloser !== closer) return; // closed meanwhile
      document.addEventListener('click', closer);
      document.addEventListener('keydown', closer);
    });
  }

  closeMenu() {
    if (!this.menu) return;
    this.menu.menu.remove();
    this.menu.button.removeAttribute('aria-expanded');
    document.removeEventListener('click', this.menuCloser);
    document.removeEventListener('keydown', this.menuCloser);
    this.menu = null;
    this.menuCloser = null;
  }

  act(kind, seq) {
    const ref = `${kind}-${seq}`;
    if (!this.socket.send({type: kind, seq, ref})) toast('Not connected; try again in a moment.', 'error');
  }

  tombstone(seq, type) {
    const known = this.messages.get(seq);
    if (!known) return;
    const m = {...known.message, state: type === 'recalled' ? 'recalled' : 'deleted'};
    delete m.text;
    delete m.image;
    this.put(m);
    const lightbox = document.querySelector('dialog.lightbox');
    if (lightbox && known.message.image && lightbox.dataset.url === known.message.image.url) lightbox.close();
  }

  updateTop() {
    fill(this.top, this.loadingOlder ? 'Loading older messages…' : this.hasMore ? '' : this.messages.size ? 'The beginning of the conversation' : 'No messages yet. Say hello!');
  }

  updateReceipts() {
    if (!this.list) return;
    for (const r of this.list.querySelectorAll('.receipt:not(:empty)')) r.textContent = '';
    const lastOwn = this.messages.get(this.lastOwnSeq);
    if (!lastOwn) return;
    const readers = [...this.readMarkers].filter(([user, seq]) => user !== this.me.id && seq >= this.lastOwnSeq)
      .map(([user]) => (this.people.get(user) || {}).displayName || (this.people.get(user) || {}).username || 'someone');
    const receipt = lastOwn.el.querySelector('.receipt');
    if (receipt && readers.length) receipt.textContent = `Seen by ${readers.join(', ')}`;
  }

  showTyping(userId) {
    if (userId === this.me.id) return;
    clearTimeout(this.typing.get(userId));
    this.typing.set(userId, setTimeout(() => this.clearTyping(userId), TYPING_SHOWN_MS));
    this.renderTyping();
  }

  clearTyping(userId) {
    if (!this.typing.has(userId)) return;
    clearTimeout(this.typing.get(userId));
    this.typing.delete(userId);
    this.renderTyping();
  }

  renderTyping() {
    const names = [...this.typing.keys()].map((u) => (this.people.get(u) || {}).displayName || 'Someone');
    this.typingLine.textContent = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  }

  // ---- scrolling, history and read markers

  nearBottom() {
    const el = this.history;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  scrollToBottom() {
    this.history.scrollTop = this.history.scrollHeight;
    this.jump.hidden = true;
    this.stickToBottom = true;
    this.markRead();
  }

  onScroll() {
    this.stickToBottom = this.nearBottom();
    if (this.stickToBottom) {
      this.jump.hidden = true;
      this.markRead();
    }
    if (this.history.scrollTop < 120) this.loadOlder();
  }

  async loadOlder() {
    if (!this.hasMore || this.loadingOlder || this.minSeq === Infinity) return;
    this.loadingOlder = true;
    this.updateTop();
    try {
      const page = await this.api.get(`/api/conversations/${enc(this.id)}/messages${query({before: this.minSeq, limit: PAGE})}`);
      const height = this.history.scrollHeight;
      const top = this.history.scrollTop;
      for (const m of page.items) this.put(m);
      this.hasMore = page.hasMore;
      this.history.scrollTop = top + (this.history.scrollHeight - height);
    } catch (e) {
      toast(`Cannot load older messages: ${e.message}`, 'error');
    } finally {
      this.loadingOlder = false;
      this.updateTop();
    }
  }

  markRead() {
    if (!this.socket || !this.participant || document.visibilityState !== 'visible' || !this.nearBottom()) return;
    if (this.maxSeq > this.lastReadSent && this.socket.send({type: 'read', seq: this.maxSeq})) {
      this.lastReadSent = this.maxSeq;
      this.app.markedRead(this.id, this.maxSeq);
    }
  }

  // ---- sending

  grow() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }

  sendTyping() {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SENT_EVERY_MS || !this.input.value) return;
    if (this.socket && this.socket.send({type: 'typing'})) this.lastTypingSent = now;
  }

  submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    if ([...text].length > 4000) {
      this.showNotice('A message holds at most 4,000 characters.', 5000);
      return;
    }
    this.input.value = '';
    this.grow();
    const clientMsgId = randomId();
    const el = h('li', {class: 'message own pending', dataset: {pending: clientMsgId}},
      h('div', {class: 'bubble-wrap'},
        h('div', {class: 'meta'}, h('span', {class: 'status', text: 'Sending…'})),
        h('div', {class: 'bubble'}, h('p', {class: 'text', text}))));
    this.list.append(el);
    this.pending.set(clientMsgId, {text, el});
    this.scrollToBottom();
    this.sendPending(clientMsgId);
  }

  sendPending(clientMsgId) {
    const p = this.pending.get(clientMsgId);
    if (!p || p.seq) return;
    // sent again after a reconnect with the same clientMsgId: stored once, acknowledged with the original seq
    this.socket.send({type: 'send', text: p.text, clientMsgId});
  }

  flushPending() {
    for (const [id, p] of this.pending) {
      if (!p.failed) this.sendPending(id);
    }
  }

  fail(clientMsgId, reason) {
    const p = this.pending.get(clientMsgId);
    if (!p) return;
    p.failed = true;
    p.el.classList.add('failed');
    const retry = h('button', {type: 'button', class: 'link', text: 'Retry', onclick: () => {
      p.failed = false;
      p.el.classList.remove('failed');
      fill(p.el.querySelector('.meta'), h('span', {class: 'status', text: 'Sending…'}));
      this.sendPending(clientMsgId);
    }});
    const discard = h('button', {type: 'button', class: 'link', text: 'Discard', onclick: () => {
      p.el.remove();
      this.pending.delete(clientMsgId);
    }});
    fill(p.el.querySelector('.meta'), h('span', {class: 'status', text: `Not sent: ${reason}`}), ' ', retry, ' ', discard);
    if (this.stickToBottom) this.scrollToBottom();
  }

  sendPicture(file) {
    // one id per picture, so that sending it again after a lost answer stores it once
    const clientMsgId = randomId();
    previewAndSend(file, async (caption) => {
      const form = new FormData();
      form.append('file', file, file.name || 'pasted-picture');
      if (caption) form.append('caption', caption);
      form.append('clientMsgId', clientMsgId);
      const m = await this.api.upload('POST', `/api/conversations/${enc(this.id)}/images`, form);
      this.put(m);
      this.scrollToBottom();
    }, () => this.input && this.input.focus());
  }
}
