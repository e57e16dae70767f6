// Pictures: taken from a paste, a drop or the file picker, previewed before sending, and opened full size.

import {h, dialog} from './dom.js';

const TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** The first picture in a clipboard or drop, if any. */
export function pictureFrom(transfer) {
  if (!transfer) return null;
  for (const file of transfer.files || []) {
    if (file.type.startsWith('image/')) return file;
  }
  for (const item of transfer.items || []) {
    if (item.kind === 'file' && item.type.startsWith('image/')) return item.getAsFile();
  }
  return null;
}

function size(bytes) {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Shows the picture with an optional caption; Send calls send(caption) and closes on success, or
 * shows the server's refusal (too large, not a picture, rate limited) and keeps the dialog open.
 */
export function previewAndSend(file, send, onDone) {
  const url = URL.createObjectURL(file);
  const error = h('p', {class: 'form-error', role: 'alert'});
  const caption = h('input', {type: 'text', id: 'picture-caption', maxlength: '4000', autocomplete: 'off'});
  const sendButton = h('button', {type: 'submit', class: 'primary', text: 'Send picture'});
  const cancel = h('button', {type: 'button', text: 'Cancel'});
  const form = h('form', {class: 'picture-preview', method: 'dialog'},
    h('img', {src: url, alt: 'The picture to send', class: 'preview-image'}),
    h('p', {class: 'muted', text: `${file.name || 'Pasted picture'} · ${size(file.size)}`}),
    TYPES.includes(file.type) ? null : h('p', {class: 'form-error', text: 'This file may not be a picture the server accepts (JPEG, PNG, GIF or WebP).'}),
    h('label', {for: 'picture-caption', text: 'Caption (optional)'}), caption,
    error,
    h('div', {class: 'dialog-actions'}, cancel, sendButton));
  const d = dialog('Send a picture', form, {className: 'preview-dialog', onclose: () => {
    URL.revokeObjectURL(url);
    if (onDone) onDone();
  }});
  cancel.addEventListener('click', () => d.close());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    sendButton.disabled = true;
    error.textContent = '';
    try {
      await send(caption.value.trim());
      d.close();
    } catch (err) {
      sendButton.disabled = false;
      error.textContent = err.status === 413 ? 'The picture is too large.' : err.status === 415 ? 'This file is not a picture the server accepts.'
        : err.status === 429 ? `Slow down: try again in ${err.retryAfter || 1} s.` : `Not sent: ${err.message}`;
    }
  });
  sendButton.focus();
}

/** The stored picture at its full size (the largest the server keeps). */
export function showFullSize(image, text) {
  const d = dialog('Picture', h('figure', {class: 'lightbox-figure'},
    h('img', {src: image.url, alt: text || 'Picture', width: String(image.width), height: String(image.height)}),
    text ? h('figcaption', {text}) : null), {className: 'lightbox'});
  d.dataset.url = image.url;
  d.addEventListener('click', (e) => {
    if (e.target === d) d.close();
  });
}
