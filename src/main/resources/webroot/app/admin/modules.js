// Modules (SPEC §7): every registered module with its state, kept live by the `module` frames of
// the notification socket; holders of modules.manage send commands and delete modules.

import {h, fill, dialog} from '../dom.js';
import {query, enc} from '../api.js';
import {table, field, checkbox, status, pager, when} from './ui.js';

const PAGE_SIZE = 50;

export default function render(ctx) {
  const {api} = ctx;
  const manage = ctx.holds('modules.manage');
  const state = status();

  const q = field('Search', h('input', {type: 'search', name: 'q', maxlength: '255', placeholder: 'Name or description', autocomplete: 'off'}));
  const onlineOnly = checkbox('Online only');
  const reload = h('button', {type: 'button', class: 'small', text: 'Reload'});
  const count = h('p', {class: 'muted modules-count', 'aria-live': 'polite'});

  const columns = [
    {title: 'Name', cell: (m) => h('div', {class: 'module-name'}, h('strong', {text: m.name}), h('code', {class: 'module-hash', text: m.hash}))},
    {title: 'Description', cell: (m) => m.description || h('span', {class: 'muted', text: '—'})},
    {title: 'Mission kind', cell: (m) => m.missionKind || h('span', {class: 'muted', text: '—'})},
    {title: 'State', cell: (m) => pill(m.online)},
    {title: 'Last heartbeat', cell: (m) => when(m.lastHeartbeat)},
    {title: 'Node', cell: (m) => m.node || h('span', {class: 'muted', text: '—'})},
    {title: 'Registered', cell: (m) => when(m.registeredAt)},
  ];
  if (manage) {
    columns.push({title: 'Actions', cell: (m) => h('div', {class: 'row-actions'},
      h('button', {type: 'button', class: 'small', text: 'Send command', 'aria-label': `Send a command to ${m.name}`, onclick: () => sendCommand(m)}),
      h('button', {type: 'button', class: 'small danger', text: 'Delete', 'aria-label': `Delete ${m.name}`, onclick: () => confirmDelete(m)}))});
  }
  const list = table('Modules', columns);
  const modules = new Map();
  let shown = 0;

  const pages = pager(
    (cursor) => api.get(`/api/modules${query({q: q.control.value.trim(), online: onlineOnly.input.checked ? true : null, limit: PAGE_SIZE, cursor})}`),
    (items, first) => {
      if (first) {
        list.clear();
        modules.clear();
        shown = 0;
      }
      for (const m of items) modules.set(m.hash, m);
      list.add(items, (m) => m.hash);
      shown += items.length;
      showCount();
    });

  function showCount() {
    fill(count, shown ? `${shown} module${shown === 1 ? '' : 's'} shown` : 'No module matches.');
  }

  let searchTimer;
  q.control.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => pages.reload(), 300);
  });
  onlineOnly.input.addEventListener('change', () => pages.reload());
  reload.addEventListener('click', () => pages.reload());

  /** Redraws one module's row in place. */
  function redraw(m) {
    const tr = list.row(m.hash);
    if (!tr) return;
    fill(tr, columns.map((c) => h('td', {dataset: {col: c.title}}, c.cell(m))));
  }

  // a module's online/offline change, pushed by the server
  let refetch;
  const onModule = (e) => {
    const f = e.detail || {};
    const known = modules.get(f.hash);
    if (!known) {
      // not on the page yet (newly registered, or beyond the loaded pages): read the list again
      clearTimeout(refetch);
      refetch = setTimeout(() => pages.reload(), 200);
      return;
    }
    known.online = Boolean(f.online);
    if (f.name) known.name = f.name;
    if (!known.online) known.node = null;
    if (!known.online && onlineOnly.input.checked) {
      // gone from what the filter shows
      modules.delete(known.hash);
      const tr = list.row(known.hash);
      if (tr) tr.remove();
      shown = Math.max(0, shown - 1);
      showCount();
      return;
    }
    redraw(known);
    // the heartbeat time and the holding node come from the list
    api.get(`/api/modules${query({q: known.name, limit: PAGE_SIZE})}`).then((page) => {
      const fresh = page.items.find((m) => m.hash === known.hash);
      if (fresh && modules.has(fresh.hash) && fresh.online === known.online) {
        modules.set(fresh.hash, fresh);
        redraw(fresh);
      }
    }).catch(() => {});
  };
  if (ctx.bell) ctx.bell.addEventListener('module', onModule);

  function sendCommand(m) {
    const payload = field('Payload (JSON)', h('textarea', {rows: '6', spellcheck: 'false', class: 'json-input'}),
      'Any JSON value. The module receives {"type":"command","id","payload"}.');
    payload.control.value = '{\n  "action": "refresh"\n}';
    const outcome = status();
    const answer = h('div', {class: 'command-answer'});
    const send = h('button', {type: 'submit', class: 'primary', text: 'Send'});
    const form = h('form', {class: 'command-form', novalidate: true}, payload.el, outcome.el, answer,
      h('div', {class: 'dialog-actions'}, send));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      fill(answer);
      let value;
      try {
        value = JSON.parse(payload.control.value);
      } catch (err) {
        outcome.error(`The payload is not valid JSON: ${err.message}`);
        payload.control.setAttribute('aria-invalid', 'true');
        payload.control.focus();
        return;
      }
      payload.control.removeAttribute('aria-invalid');
      send.disabled = true;
      outcome.ok('Sending…');
      try {
        const r = await api.post(`/api/modules/${enc(m.hash)}/commands`, {payload: value});
        outcome.ok(`Delivered to ${m.name}.`);
        fill(answer, h('dl', {class: 'command-delivery'},
          h('dt', {text: 'Command id'}), h('dd', {class: 'command-id', text: r.id}),
          h('dt', {text: 'Delivered at'}), h('dd', {}, when(r.deliveredAt)),
          h('dt', {text: 'Node'}), h('dd', {class: 'command-node', text: r.node || '—'})));
      } catch (err) {
        if (err.status === 404) outcome.error(`${m.name} is offline (or no longer registered): the command was not sent.`);
        else if (err.status === 504) outcome.error(`The node holding ${m.name} did not confirm the delivery in time; the command may not have arrived.`);
        else if (err.status === 400) outcome.error(`The command was refused: ${err.message}`);
        else outcome.error(err);
      } finally {
        send.disabled = false;
      }
    });
    dialog(`Send a command to ${m.name}`, form, {className: 'command-dialog'});
    payload.control.focus();
  }

  function confirmDelete(m) {
    const outcome = status();
    const yes = h('button', {type: 'button', class: 'danger', text: `Delete ${m.name}`});
    const no = h('button', {type: 'button', text: 'Cancel'});
    const d = dialog(`Delete ${m.name}?`, h('div', {},
      h('p', {text: `The module is forgotten${m.online ? ' and its socket is closed' : ''}. It must register again to come back.`}),
      outcome.el,
      h('div', {class: 'dialog-actions'}, no, yes)), {className: 'confirm-dialog'});
    no.addEventListener('click', () => d.close());
    no.focus();
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api.del(`/api/modules/${enc(m.hash)}`);
        modules.delete(m.hash);
        const tr = list.row(m.hash);
        if (tr) tr.remove();
        shown = Math.max(0, shown - 1);
        showCount();
        state.ok(`${m.name} deleted.`);
        d.close();
      } catch (err) {
        outcome.error(err.status === 404 ? `${m.name} was already deleted.` : err);
        yes.disabled = false;
      }
    });
  }

  const el = h('div', {class: 'admin-modules'},
    h('section', {class: 'admin-section', 'aria-label': 'Modules'},
      h('div', {class: 'toolbar'}, q.el, onlineOnly.el, reload),
      manage ? null : h('p', {class: 'hint no-manage', text: 'Sending commands and deleting modules need the modules.manage permission.'}),
      state.el,
      count,
      list.el,
      pages.el));
  pages.reload();

  return {
    el,
    close() {
      clearTimeout(searchTimer);
      clearTimeout(refetch);
      if (ctx.bell) ctx.bell.removeEventListener('module', onModule);
    },
  };
}

function pill(online) {
  return h('span', {class: `pill ${online ? 'on' : 'off'}`, dataset: {online: String(Boolean(online))}, text: online ? 'online' : 'offline'});
}
