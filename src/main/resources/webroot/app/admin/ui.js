// Building blocks of the admin pages: tables, labelled fields, cursor paging and status lines.

import {h, fill, timeOf} from '../dom.js';

/** A table: columns [{title, cell: (row) => node|string}], rows appended with add(rows). */
export function table(caption, columns) {
  const body = h('tbody');
  const el = h('div', {class: 'table-wrap'},
    h('table', {class: 'admin-table'},
      h('caption', {class: 'visually-hidden', text: caption}),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col', text: c.title})))),
      body));
  const tr = (row, key) => h('tr', key ? {dataset: {key: key(row)}} : {}, columns.map((c) => h('td', {dataset: {col: c.title}}, c.cell(row))));
  return {
    el,
    body,
    clear: () => fill(body),
    add(rows, key) {
      for (const row of rows) body.append(tr(row, key));
    },
    row(keyValue) {
      return body.querySelector(`tr[data-key="${CSS.escape(keyValue)}"]`);
    },
    /** Draws the row of this key again from `row`. */
    replace(row, key) {
      const old = this.row(key(row));
      if (old) old.replaceWith(tr(row, key));
    },
  };
}

let fieldIds = 0;

/** A labelled control: field('Name', h('input', …)) → {el, control}. */
export function field(label, control, hint) {
  const id = control.id || `f${++fieldIds}`;
  control.id = id;
  const hintEl = hint ? h('p', {class: 'hint', id: `${id}-hint`, text: hint}) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return {el: h('div', {class: 'field'}, h('label', {for: id, text: label}), control, hintEl), control};
}

/** A checkbox with its label after it; disabled ones say why in their title and hint. */
export function checkbox(label, {checked, disabled, why, value} = {}) {
  const id = `f${++fieldIds}`;
  const input = h('input', {type: 'checkbox', id, checked: Boolean(checked), disabled: Boolean(disabled), value: value || ''});
  const note = disabled && why ? h('span', {class: 'why', id: `${id}-why`, text: why}) : null;
  if (note) input.setAttribute('aria-describedby', note.id);
  return {el: h('div', {class: `check${disabled ? ' disabled' : ''}`, title: disabled && why ? why : null}, input, h('label', {for: id, text: label}), note), input};
}

/** A status line for the outcome of an action (announced to screen readers). */
export function status() {
  const el = h('p', {class: 'admin-status', role: 'status'});
  return {
    el,
    ok(text) {
      el.dataset.kind = 'ok';
      el.textContent = text;
    },
    error(e) {
      el.dataset.kind = 'error';
      el.textContent = typeof e === 'string' ? e : `${e.message}${e.status ? ` (${e.status})` : ''}`;
    },
    clear() {
      el.textContent = '';
    },
  };
}

/**
 * Cursor paging over a list call: load(cursor) → {items, hasMore, nextCursor}; onItems(items, first).
 * Gives a "Load more" button that shows only while there is more.
 */
export function pager(load, onItems) {
  let cursor = null;
  const more = h('button', {type: 'button', class: 'small', text: 'Load more', hidden: true});
  const state = status();
  async function next(first) {
    more.disabled = true;
    try {
      const page = await load(first ? null : cursor);
      cursor = page.nextCursor;
      onItems(page.items, first);
      more.hidden = !page.hasMore;
      state.clear();
    } catch (e) {
      state.error(e);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => next(false));
  return {el: h('div', {class: 'pager'}, more, state.el), reload: () => next(true)};
}

export function when(iso) {
  return iso ? h('time', {datetime: iso, title: new Date(iso).toLocaleString(), text: timeOf(iso)}) : h('span', {class: 'muted', text: '—'});
}
