// Users (users.manage): search, create, disable and enable, groups, password reset. The grant rules
// (docs/security.md) show as disabled controls that say why, not as refusals after the fact.

import {h, dialog} from '../dom.js';
import {enc, query} from '../api.js';
import {table, field, checkbox, status, pager, when} from './ui.js';

/** Why this caller may not put users into (or take them out of) this group; null when they may. */
export function groupRule(ctx, group) {
  if (ctx.me.superuser) return null;
  if (group.name === 'admin') return 'Only a superuser changes who is in the admin group';
  const unheld = (group.permissions || []).filter((p) => !ctx.holds(p));
  return unheld.length ? `It grants ${unheld.join(', ')}, which you do not hold` : null;
}

/** Why this caller may not change this user at all; null when they may. */
function userRule(ctx, user) {
  return user.superuser && !ctx.me.superuser ? 'Only a superuser changes a superuser' : null;
}

export default function render(ctx) {
  const {api} = ctx;
  let groups = null; // [{name, permissions}] when the caller may read them
  const q = h('input', {type: 'search', autocomplete: 'off', placeholder: 'username or display name'});
  const search = field('Search users', q);
  const rows = table('Users', [
    {title: 'Username', cell: (u) => h('strong', {text: u.username})},
    {title: 'Display name', cell: (u) => u.displayName},
    {title: 'Groups', cell: (u) => u.groups.join(', ')},
    {title: 'State', cell: (u) => [h('span', {class: `pill ${u.disabled ? 'bad' : 'on'}`, text: u.disabled ? 'Disabled' : 'Active'}),
      u.superuser ? [' ', h('span', {class: 'pill', text: 'Superuser'})] : null]},
    {title: 'Created', cell: (u) => when(u.createdAt)},
    {title: 'Actions', cell: (u) => h('button', {type: 'button', class: 'small', text: 'Edit', 'aria-label': `Edit ${u.username}`, onclick: () => edit(u)})},
  ]);
  const key = (u) => u.id;
  const paging = pager((cursor) => api.get(`/api/admin/users${query({q: q.value.trim(), limit: 50, cursor})}`), (items, first) => {
    if (first) rows.clear();
    rows.add(items, key);
  });
  let timer;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => paging.reload(), 250);
  });

  async function loadGroups() {
    if (groups || !ctx.holds('groups.manage')) return groups;
    const page = await api.get('/api/admin/groups?limit=200');
    groups = page.items;
    return groups;
  }

  /** Group checkboxes, ticked for `current`, disabled where the caller may not change membership. */
  async function groupChoices(current, fixedWhy) {
    const known = await loadGroups().catch(() => null);
    if (!known) {
      return {el: h('p', {class: 'hint', text: `Groups: ${current.join(', ') || 'none'}. Choosing groups here needs groups.manage, to see what each group grants.`}),
        value: () => null};
    }
    const boxes = known.map((g) => {
      const why = fixedWhy || groupRule(ctx, g);
      return {g, box: checkbox(g.name, {checked: current.includes(g.name), disabled: Boolean(why), why, value: g.name})};
    });
    return {
      el: h('fieldset', {class: 'groups'}, h('legend', {text: 'Groups'}), boxes.map((b) => b.box.el)),
      value: () => boxes.filter((b) => b.box.input.checked).map((b) => b.g.name),
    };
  }

  async function edit(user) {
    const fixed = userRule(ctx, user);
    const self = user.id === ctx.me.id;
    const state = status();
    const name = h('input', {value: user.displayName, maxlength: '64', required: true, disabled: Boolean(fixed)});
    const saveName = h('button', {type: 'button', class: 'small', text: 'Save name', disabled: Boolean(fixed)});
    const choices = await groupChoices(user.groups, fixed || (self && !ctx.me.superuser ? 'You cannot change your own groups' : null));
    const saveGroups = h('button', {type: 'button', class: 'small', text: 'Save groups', disabled: Boolean(fixed) || (self && !ctx.me.superuser)});
    const disableWhy = fixed || (self ? 'You cannot disable your own account' : null);
    const toggle = h('button', {type: 'button', class: user.disabled ? 'small' : 'small danger', text: user.disabled ? 'Enable account' : 'Disable account',
      disabled: Boolean(disableWhy), title: disableWhy});
    const password = h('input', {type: 'password', minlength: '8', maxlength: '128', autocomplete: 'new-password', disabled: Boolean(fixed) || self});
    const reset = h('button', {type: 'button', class: 'small', text: 'Set password', disabled: Boolean(fixed) || self});
    const superWhy = !ctx.me.superuser ? 'Only a superuser sets the superuser flag' : self ? 'You cannot drop your own flag' : null;
    const flag = checkbox('Superuser (may do everything)', {checked: user.superuser, disabled: Boolean(superWhy), why: superWhy});

    const body = h('div', {class: 'stack'},
      fixed ? h('p', {class: 'notice-inline', text: fixed}) : null,
      field('Display name', name).el, h('div', {}, saveName),
      choices.el, h('div', {}, saveGroups),
      flag.el,
      field('New password', password, self ? 'Change your own password in your profile.' : 'At least 8 characters; their sessions end.').el,
      h('div', {}, reset),
      h('div', {class: 'dialog-actions'}, toggle),
      state.el);
    const d = dialog(`User ${user.username}`, body, {className: 'wide'});

    const act = (button, call, done) => async () => {
      button.disabled = true;
      state.clear();
      try {
        const result = await call();
        done(result);
      } catch (e) {
        state.error(e);
      } finally {
        button.disabled = false;
      }
    };
    const changed = (u) => {
      Object.assign(user, u);
      rows.replace(user, key);
    };
    saveName.addEventListener('click', act(saveName, () => api.patch(`/api/admin/users/${enc(user.id)}`, {displayName: name.value.trim()}),
      (u) => { changed(u); state.ok('Name saved.'); }));
    saveGroups.addEventListener('click', act(saveGroups, () => api.put(`/api/admin/users/${enc(user.id)}/groups`, {groups: choices.value()}),
      (u) => { changed(u); state.ok('Groups saved.'); }));
    flag.input.addEventListener('change', act(flag.input, () => api.patch(`/api/admin/users/${enc(user.id)}`, {superuser: flag.input.checked}),
      (u) => { changed(u); state.ok('Flag saved.'); }));
    reset.addEventListener('click', act(reset, () => api.put(`/api/admin/users/${enc(user.id)}/password`, {password: password.value}),
      () => { password.value = ''; state.ok('Password set; their sessions have ended.'); }));
    toggle.addEventListener('click', act(toggle, () => api.patch(`/api/admin/users/${enc(user.id)}`, {disabled: !user.disabled}), (u) => {
      changed(u);
      d.close();
    }));
  }

  async function create() {
    const state = status();
    const username = h('input', {required: true, minlength: '3', maxlength: '32', pattern: '[a-zA-Z0-9_.\\-]+', autocomplete: 'off'});
    const displayName = h('input', {maxlength: '64', autocomplete: 'off'});
    const password = h('input', {type: 'password', required: true, minlength: '8', maxlength: '128', autocomplete: 'new-password'});
    const choices = await groupChoices(['member'], null);
    const superWhy = ctx.me.superuser ? null : 'Only a superuser creates a superuser';
    const flag = checkbox('Superuser (may do everything)', {disabled: Boolean(superWhy), why: superWhy});
    const submit = h('button', {type: 'submit', class: 'primary', text: 'Create user'});
    const form = h('form', {class: 'stack'},
      field('Username', username, '3–32 letters, digits, dots, dashes or underscores').el,
      field('Display name (optional)', displayName).el,
      field('Password', password, 'At least 8 characters').el,
      choices.el, flag.el, state.el,
      h('div', {class: 'dialog-actions'}, submit));
    const d = dialog('Create a user', form, {className: 'wide'});
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      state.clear();
      const body = {username: username.value.trim(), password: password.value};
      if (displayName.value.trim()) body.displayName = displayName.value.trim();
      const chosen = choices.value();
      if (chosen) body.groups = chosen;
      if (flag.input.checked) body.superuser = true;
      try {
        await api.post('/api/admin/users', body);
        d.close();
        paging.reload();
      } catch (err) {
        submit.disabled = false;
        state.error(err.status === 409 ? 'That username is taken.' : err);
      }
    });
    username.focus();
  }

  paging.reload();
  const el = h('div', {class: 'admin-page users-page'},
    h('div', {class: 'toolbar'}, search.el, h('button', {type: 'button', class: 'primary', text: 'Create user', onclick: create})),
    rows.el, paging.el);
  return {el, close: () => clearTimeout(timer)};
}

