// Banner and announcements (announcements.send): set or clear the global banner, with a picture;
// post a configured preset (or a text) to a room as a system message.

import {h, fill} from '../dom.js';
import {enc} from '../api.js';
import {field, status} from './ui.js';

export default function render(ctx) {
  const {api} = ctx;

  // the banner
  const bannerState = status();
  const current = h('div', {class: 'banner-current'});
  const text = h('textarea', {rows: '3', maxlength: '1000', required: true});
  const file = h('input', {type: 'file', accept: 'image/jpeg,image/png,image/gif,image/webp'});
  const set = h('button', {type: 'submit', class: 'primary', text: 'Set banner'});
  const clear = h('button', {type: 'button', class: 'danger', text: 'Clear banner'});
  const bannerForm = h('form', {class: 'stack'}, current, field('Banner text', text, 'Shown at the top of every page, live.').el,
    field('Picture (optional)', file).el, bannerState.el, h('div', {class: 'dialog-actions'}, clear, set));

  function show(banner) {
    fill(current, banner && banner.text
      ? [h('p', {class: 'hint', text: 'Now showing:'}), h('div', {class: 'banner'},
        banner.image ? h('img', {class: 'banner-image', src: banner.image.url, alt: ''}) : null, h('p', {class: 'banner-text', text: banner.text}))]
      : h('p', {class: 'hint', text: 'No banner is shown.'}));
    clear.disabled = !(banner && banner.text);
  }
  api.get('/api/banner').then((r) => show(r.banner)).catch((e) => bannerState.error(e));

  bannerForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    bannerState.clear();
    const form = new FormData();
    form.append('text', text.value);
    if (file.files[0]) form.append('file', file.files[0], file.files[0].name);
    set.disabled = true;
    try {
      show(await api.upload('PUT', '/api/admin/banner', form));
      bannerState.ok('The banner is set; every open page shows it now.');
      file.value = '';
    } catch (err) {
      bannerState.error(err.status === 413 ? 'The picture is too large.' : err.status === 415 ? 'That file is not a picture the server accepts.' : err);
    } finally {
      set.disabled = false;
    }
  });
  clear.addEventListener('click', async () => {
    bannerState.clear();
    try {
      await api.del('/api/admin/banner');
      show(null);
      bannerState.ok('The banner is cleared.');
    } catch (err) {
      bannerState.error(err);
    }
  });

  // announcements
  const sayState = status();
  const room = h('input', {required: true, list: 'announce-rooms', autocomplete: 'off', placeholder: 'room name or conversation id'});
  const rooms = h('datalist', {id: 'announce-rooms'});
  const preset = h('select', {}, h('option', {value: '', text: 'no preset: my own text'}));
  const say = h('textarea', {rows: '3', maxlength: '4000'});
  const post = h('button', {type: 'submit', class: 'primary', text: 'Post announcement'});
  const sayForm = h('form', {class: 'stack'}, field('Room', room).el, rooms, field('Preset', preset).el,
    field('Text (wins over the preset\'s)', say).el, sayState.el, h('div', {}, post));
  api.get('/api/rooms?limit=200').then((page) => fill(rooms, page.items.map((r) => h('option', {value: r.name, text: r.title || r.name})))).catch(() => {});
  api.get('/api/announcements/presets').then((r) => {
    for (const p of r.presets || r.items || []) preset.append(h('option', {value: p.name, text: p.text ? `${p.name}: ${p.text}` : p.name}));
  }).catch((e) => sayState.error(e));
  sayForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    sayState.clear();
    const body = {};
    if (say.value.trim()) body.text = say.value.trim();
    if (preset.value) body.preset = preset.value;
    if (!body.text && !body.preset) {
      sayState.error('Give a text or choose a preset.');
      return;
    }
    post.disabled = true;
    try {
      const m = await api.post(`/api/conversations/${enc(room.value.trim())}/announcements`, body);
      sayState.ok(`Posted to ${room.value.trim()} as message ${m.seq}.`);
      say.value = '';
    } catch (err) {
      sayState.error(err.status === 404 ? 'No such room.' : err);
    } finally {
      post.disabled = false;
    }
  });

  return {el: h('div', {class: 'admin-page announce-page grid-2'},
    h('section', {class: 'admin-section'}, h('h2', {text: 'Banner'}), bannerForm),
    h('section', {class: 'admin-section'}, h('h2', {text: 'Announcement to a room'}), sayForm))};
}
