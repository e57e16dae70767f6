// Audit (audit.view): the login log and the admin actions, newest first, filtered by actor and
// action, a page at a time.

import {h} from '../dom.js';
import {query} from '../api.js';
import {table, field, pager, when} from './ui.js';

/** The actions the server records (a bare prefix such as `user` matches all of its kind). */
const ACTIONS = ['login', 'login.success', 'login.failure', 'user', 'user.create', 'user.update', 'user.disable', 'user.enable',
  'user.groups', 'user.password', 'user.password_failed', 'user.password_reset', 'group', 'group.create', 'group.update', 'group.delete',
  'group.permissions', 'notification.send', 'banner.set', 'banner.clear', 'announcement.send', 'module.delete', 'job.enqueue', 'job.retry',
  'schedule.change', 'schedule.run'];

export default function render(ctx) {
  const actor = h('input', {type: 'search', autocomplete: 'off', maxlength: '64', placeholder: 'username'});
  const action = h('select', {}, h('option', {value: '', text: 'every action'}), ACTIONS.map((a) => h('option', {value: a, text: a})));
  const rows = table('Audit entries', [
    {title: 'When', cell: (e) => when(e.at)},
    {title: 'Actor', cell: (e) => e.actorUsername || h('span', {class: 'muted', text: '—'})},
    {title: 'Action', cell: (e) => h('code', {text: e.action})},
    {title: 'Target', cell: (e) => e.target || ''},
    {title: 'Address', cell: (e) => e.ip || ''},
    {title: 'Details', cell: (e) => (e.details && Object.keys(e.details).length ? h('pre', {class: 'json', text: JSON.stringify(e.details)}) : '')},
  ]);
  const paging = pager((cursor) => ctx.api.get(`/api/admin/audit${query({actor: actor.value.trim(), action: action.value, limit: 50, cursor})}`),
    (items, first) => {
      if (first) rows.clear();
      rows.add(items);
    });
  let timer;
  actor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => paging.reload(), 300);
  });
  action.addEventListener('change', () => paging.reload());
  paging.reload();
  return {
    el: h('div', {class: 'admin-page audit-page'},
      h('div', {class: 'toolbar'}, field('Actor', actor).el, field('Action', action).el),
      rows.el, paging.el),
    close: () => clearTimeout(timer),
  };
}
