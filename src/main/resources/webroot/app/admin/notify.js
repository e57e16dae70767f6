// Notifications (notifications.send): compose to users, groups or everyone, with the number of
// users it would reach, read from the server before sending.

import {h, fill} from '../dom.js';
import {query} from '../api.js';
import {field, status} from './ui.js';

export default function render(ctx) {
  const {api} = ctx;
  const state = status();
  const preview = h('p', {class: 'recipient-count', role: 'status', text: 'Choose who gets it.'});
  const chosenUsers = new Map(); // id -> username
  let timer;

  const mode = (value, label, checked) => {
    const input = h('input', {type: 'radio', name: 'recipients', value, id: `to-${value}`, checked});
    return {input, el: h('div', {class: 'check'}, input, h('label', {for: `to-${value}`, text: label}))};
  };
  const everyone = mode('all', 'Everyone', true);
  const toGroups = mode('groups', 'Members of groups', false);
  const toUsers = mode('users', 'Chosen users', false);

  const groupBox = h('fieldset', {class: 'groups', hidden: true}, h('legend', {text: 'Groups'}));
  const groupInputs = [];
  if (ctx.holds('groups.manage')) {
    api.get('/api/admin/groups?limit=200').then((page) => {
      for (const g of page.items) {
        const input = h('input', {type: 'checkbox', id: `g-${g.id}`, value: g.id});
        input.addEventListener('change', recount);
        groupInputs.push(input);
        groupBox.append(h('div', {class: 'check'}, input, h('label', {for: input.id, text: `${g.name} (${g.memberCount ?? 0})`})));
      }
    }).catch((e) => state.error(e));
  } else {
    groupBox.append(h('p', {class: 'hint', text: 'Listing groups needs groups.manage.'}));
  }

  const userBox = h('fieldset', {class: 'users', hidden: true}, h('legend', {text: 'Users'}));
  const chips = h('ul', {class: 'chips', 'aria-label': 'Chosen users'});
  const ids = h('textarea', {rows: '3', placeholder: 'one user id per line'});
  if (ctx.holds('users.manage')) {
    const q = h('input', {type: 'search', autocomplete: 'off', placeholder: 'username'});
    const results = h('ul', {class: 'search-results'});
    q.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (!q.value.trim()) return fill(results);
        const page = await api.get(`/api/admin/users${query({q: q.value.trim(), limit: 10})}`).catch(() => ({items: []}));
        fill(results, page.items.filter((u) => !u.disabled).map((u) => h('li', {},
          h('button', {type: 'button', class: 'small', text: `Add ${u.username}`, onclick: () => {
            chosenUsers.set(u.id, u.username);
            drawChips();
            recount();
          }}))));
      }, 250);
    });
    userBox.append(field('Find a user', q).el, results, chips);
  } else {
    userBox.append(field('User ids', ids, 'Finding users by name needs users.manage.').el);
    ids.addEventListener('input', recount);
  }

  function drawChips() {
    fill(chips, [...chosenUsers].map(([id, name]) => h('li', {class: 'pill'}, name, ' ',
      h('button', {type: 'button', class: 'link', 'aria-label': `Remove ${name}`, text: '×', onclick: () => {
        chosenUsers.delete(id);
        drawChips();
        recount();
      }}))));
  }

  function recipients() {
    if (everyone.input.checked) return {all: true};
    if (toGroups.input.checked) {
      const groupIds = groupInputs.filter((i) => i.checked).map((i) => i.value);
      return groupIds.length ? {groupIds} : null;
    }
    const userIds = ctx.holds('users.manage') ? [...chosenUsers.keys()] : ids.value.split(/\s+/).filter(Boolean);
    return userIds.length ? {userIds} : null;
  }

  let countTimer;
  function recount() {
    groupBox.hidden = !toGroups.input.checked;
    userBox.hidden = !toUsers.input.checked;
    clearTimeout(countTimer);
    const to = recipients();
    if (!to) {
      preview.textContent = 'Choose who gets it.';
      return;
    }
    countTimer = setTimeout(async () => {
      try {
        const {recipients: n} = await api.post('/api/admin/notifications/recipients', to);
        preview.textContent = `Reaches ${n} user${n === 1 ? '' : 's'}.`;
      } catch (e) {
        preview.textContent = `Cannot count: ${e.message}`;
      }
    }, 200);
  }
  for (const m of [everyone, toGroups, toUsers]) m.input.addEventListener('change', recount);

  const title = h('input', {required: true, maxlength: '200'});
  const body = h('textarea', {rows: '4', maxlength: '4000'});
  const data = h('textarea', {rows: '2', placeholder: '{"link": "/#/c/general"}'});
  const submit = h('button', {type: 'submit', class: 'primary', text: 'Send notification'});
  const form = h('form', {class: 'stack compose'},
    h('fieldset', {}, h('legend', {text: 'Recipients'}), everyone.el, toGroups.el, toUsers.el),
    groupBox, userBox, preview,
    field('Title', title).el, field('Message (optional)', body).el,
    field('Data (optional JSON object)', data, 'Kept with the notification for clients that act on it.').el,
    state.el, h('div', {}, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    state.clear();
    const to = recipients();
    if (!to) {
      state.error('Choose who gets it.');
      return;
    }
    let parsed;
    if (data.value.trim()) {
      try {
        parsed = JSON.parse(data.value);
      } catch {
        state.error('Data is not valid JSON.');
        return;
      }
    }
    submit.disabled = true;
    try {
      const sent = await api.post('/api/admin/notifications', {...to, title: title.value.trim(), body: body.value, ...(parsed ? {data: parsed} : {})});
      state.ok(`Sent to ${sent.recipients} user${sent.recipients === 1 ? '' : 's'}.`);
      title.value = '';
      body.value = '';
    } catch (err) {
      state.error(err);
    } finally {
      submit.disabled = false;
    }
  });
  recount();
  return {el: h('div', {class: 'admin-page notify-page'}, form), close: () => {
    clearTimeout(countTimer);
    clearTimeout(timer);
  }};
}
