// The admin console: pages of the same client on the same public API. Each page shows only to a
// holder of its permission (a superuser sees all); the API enforces the permission anyway.
// Routes: #/admin (the first page the user may see), #/admin/<page>.

import {h, fill} from '../dom.js';

/** Every page: its route, title, the permission that shows it, and its module (loaded when opened). */
export const PAGES = [
  {id: 'users', title: 'Users', permission: 'users.manage', module: () => import('./users.js')},
  {id: 'groups', title: 'Groups', permission: 'groups.manage', module: () => import('./groups.js')},
  {id: 'audit', title: 'Audit', permission: 'audit.view', module: () => import('./audit.js')},
  {id: 'modules', title: 'Modules', permission: 'modules.view', module: () => import('./modules.js')},
  {id: 'jobs', title: 'Jobs', permission: 'jobs.manage', module: () => import('./jobs.js')},
  {id: 'notifications', title: 'Notifications', permission: 'notifications.send', module: () => import('./notify.js')},
  {id: 'announcements', title: 'Banner', permission: 'announcements.send', module: () => import('./announce.js')},
  {id: 'operations', title: 'Operations', permission: 'audit.view', module: () => import('./operations.js')},
];

export function holds(me, permission) {
  return Boolean(me && (me.superuser || (me.permissions || []).includes(permission)));
}

/** The pages this user may see. */
export function visiblePages(me) {
  return PAGES.filter((p) => holds(me, p.permission));
}

/**
 * The console in the app's pane. A page module's default export is render(context) returning
 * {el, close?}; context = {app, api, me, holds(permission), bell}.
 */
export class AdminView {
  constructor(app, pageId) {
    this.app = app;
    this.pages = visiblePages(app.me);
    this.page = this.pages.find((p) => p.id === pageId) || (pageId ? null : this.pages[0]);
    this.requested = pageId;
    this.content = h('div', {class: 'admin-content', id: 'admin-content', tabindex: '-1'});
    this.el = h('section', {class: 'admin', 'aria-label': 'Administration'},
      h('nav', {class: 'admin-nav', 'aria-label': 'Administration pages'},
        h('h2', {text: 'Administration'}),
        h('ul', {}, this.pages.map((p) => h('li', {},
          h('a', {href: `#/admin/${p.id}`, 'aria-current': this.page && p.id === this.page.id ? 'page' : null, text: p.title}))))),
      this.content);
    this.current = null;
  }

  async open() {
    if (!this.page) {
      fill(this.content, h('p', {class: 'admin-empty', role: 'alert', text: this.pages.length
        ? 'You do not have the permission for that page.' : 'You have no administration permissions.'}));
      return;
    }
    document.title = `${this.page.title} · Switchboard admin`;
    fill(this.content, h('p', {class: 'muted', text: 'Loading…'}));
    const module = await this.page.module();
    if (this.closed) return;
    const me = this.app.me;
    this.current = module.default({app: this.app, api: this.app.api, me, holds: (p) => holds(me, p), bell: this.app.bell});
    fill(this.content, h('h1', {class: 'admin-title', text: this.page.title}), this.current.el);
  }

  close() {
    this.closed = true;
    document.title = 'Switchboard';
    if (this.current && this.current.close) this.current.close();
    this.el.remove();
  }
}
