// Building DOM nodes. Text is always set as text (textContent / text nodes), never parsed as HTML:
// a message "<img src=x onerror=alert(1)>" shows literally.

/**
 * h('button', {class: 'x', onclick: fn, 'aria-label': 'Send'}, 'text', childNode)
 * Properties: class, text, dataset, on<event> listeners, boolean attributes (true/false), other attributes.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function timeOf(iso) {
  const d = new Date(iso);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  const time = d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
  return sameDay ? time : `${d.toLocaleDateString([], {month: 'short', day: 'numeric'})} ${time}`;
}

/** An avatar picture, or the initials of a name on a coloured disc. */
export function avatar(person, size = 'md') {
  const name = (person && (person.displayName || person.username)) || '?';
  if (person && person.avatarUrl) {
    return h('img', {class: `avatar avatar-${size}`, src: person.avatarUrl, alt: '', loading: 'lazy'});
  }
  const initials = name.trim().split(/\s+/).slice(0, 2).map((w) => [...w][0] || '').join('').toUpperCase() || '?';
  let hash = 0;
  for (const c of (person && person.id) || name) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return h('span', {class: `avatar avatar-${size} avatar-initials`, 'aria-hidden': 'true', dataset: {hue: String(Math.abs(hash) % 8)}}, initials);
}

/** A random id usable as a clientMsgId (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'c-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A modal dialog built on <dialog>: focus is trapped by the browser, Escape closes it. */
export function dialog(title, body, {onclose, className} = {}) {
  const close = h('button', {type: 'button', class: 'icon-button dialog-close', 'aria-label': 'Close', text: '×'});
  const d = h('dialog', {class: `dialog ${className || ''}`, 'aria-label': title},
    h('header', {class: 'dialog-head'}, h('h2', {text: title}), close),
    body);
  close.addEventListener('click', () => d.close());
  d.addEventListener('close', () => {
    d.remove();
    if (onclose) onclose();
  });
  document.body.append(d);
  d.showModal();
  return d;
}

let toastTimer;
/** A short message for the user that screen readers announce. */
export function toast(text, kind = 'info') {
  let region = document.getElementById('toast');
  if (!region) {
    region = h('div', {id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite'});
    document.body.append(region);
  }
  region.dataset.kind = kind;
  region.textContent = text;
  region.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => region.classList.remove('visible'), 5000);
}
