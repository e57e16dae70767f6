// The caller's profile: display name and avatar, and signing out.

import {h, avatar, dialog, fill} from './dom.js';

export function openProfile(app) {
  const me = app.me;
  const picture = h('div', {class: 'profile-picture'}, avatar(me, 'lg'));
  const error = h('p', {class: 'form-error', role: 'alert'});
  const file = h('input', {type: 'file', id: 'avatar-input', accept: 'image/jpeg,image/png,image/gif,image/webp'});
  const name = h('input', {id: 'profile-display', value: me.displayName || '', maxlength: '64', required: true, autocomplete: 'nickname'});
  const save = h('button', {type: 'submit', class: 'primary', text: 'Save name'});
  const form = h('form', {class: 'stack'},
    picture,
    h('label', {for: 'avatar-input', text: 'Profile picture'}), file,
    h('label', {for: 'profile-display', text: 'Display name'}), name,
    error,
    h('div', {class: 'dialog-actions'},
      h('button', {type: 'button', class: 'danger', text: 'Sign out', onclick: () => {
        d.close();
        app.auth.signOut();
      }}),
      save));
  const d = dialog(`${me.username}'s profile`, form);

  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    error.textContent = '';
    const body = new FormData();
    body.append('file', chosen, chosen.name);
    try {
      const user = await app.api.upload('PUT', '/api/me/avatar', body);
      app.updateMe(user);
      fill(picture, avatar(app.me, 'lg'));
    } catch (e) {
      error.textContent = e.status === 413 ? 'That picture is too large.' : e.status === 415 ? 'That file is not a picture the server accepts.' : e.message;
    } finally {
      file.value = '';
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      app.updateMe(await app.api.patch('/api/me', {displayName: name.value.trim()}));
      d.close();
    } catch (err) {
      error.textContent = err.message;
    }
  });
}
