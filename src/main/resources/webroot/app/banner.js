// The global banner (SPEC §4): read at sign-in, then pushed live by the sockets as {"type":"banner"}.

import {h, fill} from './dom.js';

const DISMISSED = 'switchboard.banner.dismissed';

export class Banner {
  constructor() {
    this.el = h('div', {class: 'banner', role: 'region', 'aria-label': 'Announcement', hidden: true});
    this.current = null;
  }

  async load(api) {
    try {
      const {banner} = await api.get('/api/banner');
      this.show(banner || {text: null});
    } catch {
      // the sockets bring the next change
    }
  }

  show(banner) {
    if (this.current && banner.updatedAt && this.current.updatedAt && banner.updatedAt < this.current.updatedAt) return;
    this.current = banner;
    if (!banner.text) {
      this.el.hidden = true;
      fill(this.el);
      return;
    }
    const dismiss = h('button', {type: 'button', class: 'icon-button', 'aria-label': 'Hide the announcement', text: '×', onclick: () => {
      sessionStorage.setItem(DISMISSED, banner.updatedAt || banner.text);
      this.el.hidden = true;
    }});
    fill(this.el,
      banner.image ? h('img', {class: 'banner-image', src: banner.image.url, alt: ''}) : null,
      h('p', {class: 'banner-text', text: banner.text}),
      dismiss);
    this.el.hidden = sessionStorage.getItem(DISMISSED) === (banner.updatedAt || banner.text);
  }
}
