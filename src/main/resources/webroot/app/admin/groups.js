// Groups and permissions (groups.manage): create, rename, delete, and tick permissions with their
// descriptions. Only a superuser changes the admin group or a group they are in; everyone else adds
// or removes only permissions they hold. Those rules show as disabled controls.

import {h, dialog} from '../dom.js';
import {enc} from '../api.js';
import {table, field, checkbox, status} from './ui.js';

export default function render(ctx) {
  const {api, me} = ctx;
  let permissions = [];
  const state = status();

  /** Why this caller may not change this group at all; null when they may. */
  function groupRule(group) {
    if (me.superuser) return null;
    if (group.name === 'admin') return 'Only a superuser changes the admin group';
    if ((me.groups || []).includes(group.name)) return 'Only a superuser changes a group they are in';
    return null;
  }

  function permissionBoxes(group, fixed) {
    const held = new Set(group ? group.permissions : []);
    const boxes = permissions.map((p) => {
      const why = fixed || (ctx.holds(p.name) ? null : 'You do not hold this permission');
      const box = checkbox(p.name, {checked: held.has(p.name), disabled: Boolean(why), why, value: p.name});
      box.el.append(h('span', {class: 'hint permission-description', text: p.description}));
      return {p, box};
    });
    return {
      el: h('fieldset', {class: 'permissions'}, h('legend', {text: 'Permissions'}), boxes.map((b) => b.box.el)),
      value: () => boxes.filter((b) => b.box.input.checked).map((b) => b.p.name),
    };
  }

  const key = (g) => g.id;
  const rows = table('Groups', [
    {title: 'Name', cell: (g) => [h('strong', {text: g.name}), g.builtin ? [' ', h('span', {class: 'pill', text: 'built in'})] : null]},
    {title: 'Description', cell: (g) => g.description || ''},
    {title: 'Permissions', cell: (g) => g.permissions.join(', ') || h('span', {class: 'muted', text: 'none'})},
    {title: 'Members', cell: (g) => String(g.memberCount ?? '')},
    {title: 'Actions', cell: (g) => [
      h('button', {type: 'button', class: 'small', text: 'Edit', 'aria-label': `Edit group ${g.name}`, onclick: () => edit(g)}),
      h('button', {type: 'button', class: 'small danger', text: 'Delete', 'aria-label': `Delete group ${g.name}`,
        disabled: g.builtin || Boolean(groupRule(g)), title: g.builtin ? 'A built-in group cannot be deleted' : groupRule(g), onclick: () => remove(g)}),
    ]},
  ]);

  async function load() {
    try {
      const [list, perms] = await Promise.all([api.get('/api/admin/groups?limit=200'), api.get('/api/admin/permissions')]);
      permissions = perms.items;
      rows.clear();
      rows.add(list.items, key);
    } catch (e) {
      state.error(e);
    }
  }

  function edit(group) {
    const fixed = groupRule(group);
    const local = status();
    const name = h('input', {value: group.name, required: true, maxlength: '64', pattern: '[a-zA-Z0-9_.\\-]+', disabled: Boolean(fixed) || group.builtin});
    const description = h('input', {value: group.description || '', maxlength: '256', disabled: Boolean(fixed)});
    const perms = permissionBoxes(group, fixed);
    const save = h('button', {type: 'button', class: 'small', text: 'Save name and description', disabled: Boolean(fixed)});
    const savePerms = h('button', {type: 'button', class: 'primary', text: 'Save permissions', disabled: Boolean(fixed)});
    const body = h('div', {class: 'stack'},
      fixed ? h('p', {class: 'notice-inline', text: fixed}) : null,
      field('Name', name, group.builtin ? 'Built-in groups keep their name.' : null).el,
      field('Description', description).el,
      h('div', {}, save),
      perms.el,
      h('div', {class: 'dialog-actions'}, savePerms),
      local.el);
    dialog(`Group ${group.name}`, body, {className: 'wide'});
    save.addEventListener('click', async () => {
      local.clear();
      const patch = {description: description.value.trim()};
      if (!group.builtin && name.value.trim() !== group.name) patch.name = name.value.trim();
      try {
        Object.assign(group, await api.patch(`/api/admin/groups/${enc(group.id)}`, patch));
        rows.replace(group, key);
        local.ok('Saved.');
      } catch (e) {
        local.error(e.status === 409 ? 'A group with that name exists already.' : e);
      }
    });
    savePerms.addEventListener('click', async () => {
      local.clear();
      try {
        Object.assign(group, await api.put(`/api/admin/groups/${enc(group.id)}/permissions`, {permissions: perms.value()}));
        rows.replace(group, key);
        local.ok('Permissions saved; they apply on every node within 5 s.');
      } catch (e) {
        local.error(e);
      }
    });
  }

  function create() {
    const local = status();
    const name = h('input', {required: true, maxlength: '64', pattern: '[a-zA-Z0-9_.\\-]+', autocomplete: 'off'});
    const description = h('input', {maxlength: '256', autocomplete: 'off'});
    const perms = permissionBoxes(null, null);
    const submit = h('button', {type: 'submit', class: 'primary', text: 'Create group'});
    const form = h('form', {class: 'stack'}, field('Name', name, 'Letters, digits, dots, dashes and underscores').el,
      field('Description (optional)', description).el, perms.el, local.el, h('div', {class: 'dialog-actions'}, submit));
    const d = dialog('Create a group', form, {className: 'wide'});
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      const body = {name: name.value.trim(), permissions: perms.value()};
      if (description.value.trim()) body.description = description.value.trim();
      try {
        await api.post('/api/admin/groups', body);
        d.close();
        load();
      } catch (err) {
        submit.disabled = false;
        local.error(err.status === 409 ? 'A group with that name exists already.' : err);
      }
    });
    name.focus();
  }

  function remove(group) {
    const local = status();
    const yes = h('button', {type: 'button', class: 'danger', text: `Delete ${group.name}`});
    const no = h('button', {type: 'button', text: 'Keep it'});
    const d = dialog('Delete the group?', h('div', {class: 'stack'},
      h('p', {text: `Its ${group.memberCount ?? 0} members lose what it grants.`}), local.el, h('div', {class: 'dialog-actions'}, no, yes)));
    no.addEventListener('click', () => d.close());
    yes.addEventListener('click', async () => {
      try {
        await api.del(`/api/admin/groups/${enc(group.id)}`);
        d.close();
        load();
      } catch (e) {
        local.error(e);
      }
    });
  }

  load();
  return {el: h('div', {class: 'admin-page groups-page'},
    h('div', {class: 'toolbar'}, h('button', {type: 'button', class: 'primary', text: 'Create group', onclick: create})),
    rows.el, state.el)};
}
