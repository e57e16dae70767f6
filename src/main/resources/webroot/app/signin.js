// Sign in and sign up. After five failed sign-ins for a name the server asks for a captcha.

import {h, fill} from './dom.js';
import {call} from './api.js';

export function signInView(auth, reason) {
  const error = h('p', {class: 'form-error', role: 'alert'});
  const captchaBox = h('div', {class: 'captcha', hidden: true});
  let captcha = null;

  const username = h('input', {id: 'signin-username', name: 'username', required: true, autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false'});
  const password = h('input', {id: 'signin-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password'});
  const signInButton = h('button', {type: 'submit', class: 'primary', text: 'Sign in'});
  const signIn = h('form', {class: 'stack', id: 'signin-form', 'aria-labelledby': 'signin-tab'},
    h('label', {for: 'signin-username', text: 'Username'}), username,
    h('label', {for: 'signin-password', text: 'Password'}), password,
    captchaBox, signInButton);

  const newName = h('input', {id: 'signup-username', name: 'username', required: true, minlength: '3', maxlength: '32', pattern: '[a-zA-Z0-9_.\\-]+',
    autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'signup-username-hint'});
  const displayName = h('input', {id: 'signup-display', name: 'displayName', maxlength: '64', autocomplete: 'nickname'});
  const newPassword = h('input', {id: 'signup-password', name: 'password', type: 'password', required: true, minlength: '8', maxlength: '128',
    autocomplete: 'new-password', 'aria-describedby': 'signup-password-hint'});
  const signUpButton = h('button', {type: 'submit', class: 'primary', text: 'Create account'});
  const signUp = h('form', {class: 'stack', id: 'signup-form', hidden: true, 'aria-labelledby': 'signup-tab'},
    h('label', {for: 'signup-username', text: 'Username'}), newName,
    h('p', {id: 'signup-username-hint', class: 'hint', text: '3–32 letters, digits, dots, dashes or underscores.'}),
    h('label', {for: 'signup-display', text: 'Display name (optional)'}), displayName,
    h('label', {for: 'signup-password', text: 'Password'}), newPassword,
    h('p', {id: 'signup-password-hint', class: 'hint', text: 'At least 8 characters.'}),
    signUpButton);

  const tabIn = h('button', {type: 'button', role: 'tab', id: 'signin-tab', 'aria-controls': 'signin-form', 'aria-selected': 'true', text: 'Sign in'});
  const tabUp = h('button', {type: 'button', role: 'tab', id: 'signup-tab', 'aria-controls': 'signup-form', 'aria-selected': 'false', text: 'Create account'});
  const show = (up) => {
    signIn.hidden = up;
    signUp.hidden = !up;
    tabIn.setAttribute('aria-selected', String(!up));
    tabUp.setAttribute('aria-selected', String(up));
    error.textContent = '';
    (up ? newName : username).focus();
  };
  tabIn.addEventListener('click', () => show(false));
  tabUp.addEventListener('click', () => show(true));

  async function askCaptcha() {
    const c = await call('GET', '/api/auth/captcha');
    const answer = h('input', {id: 'captcha-answer', required: true, autocomplete: 'off'});
    captcha = {captchaId: c.captchaId, answer};
    fill(captchaBox, h('img', {src: c.image, alt: 'Captcha: type the characters shown', class: 'captcha-image'}),
      h('label', {for: 'captcha-answer', text: 'Characters in the picture'}), answer);
    captchaBox.hidden = false;
    answer.focus();
  }

  signIn.addEventListener('submit', async (e) => {
    e.preventDefault();
    signInButton.disabled = true;
    error.textContent = '';
    try {
      await auth.signIn(username.value.trim(), password.value,
        captcha ? {captchaId: captcha.captchaId, captchaAnswer: captcha.answer.value.trim()} : null);
    } catch (err) {
      signInButton.disabled = false;
      if (err.code === 'captcha_required' || (captcha && err.status === 401)) {
        error.textContent = captcha ? 'Wrong name, password or characters. Try again.' : 'Too many failed attempts: type the characters in the picture too.';
        captcha = null;
        await askCaptcha().catch(() => {});
      } else if (err.status === 401) {
        error.textContent = 'Wrong username or password.';
        password.select();
      } else {
        error.textContent = err.status === 429 ? `Too many attempts. Try again in ${err.retryAfter || 'a few'} s.` : err.message;
      }
    }
  });

  signUp.addEventListener('submit', async (e) => {
    e.preventDefault();
    signUpButton.disabled = true;
    error.textContent = '';
    try {
      await auth.register(newName.value.trim(), newPassword.value, displayName.value.trim());
    } catch (err) {
      signUpButton.disabled = false;
      error.textContent = err.status === 409 ? 'That username is taken.' : err.message;
    }
  });

  const view = h('main', {class: 'signin'},
    h('div', {class: 'signin-card'},
      h('h1', {}, h('img', {src: '/app/icon.svg', alt: '', class: 'logo'}), 'Switchboard'),
      reason ? h('p', {class: 'notice-inline', role: 'status', text: reason}) : null,
      h('div', {role: 'tablist', class: 'tabs', 'aria-label': 'Sign in or create an account'}, tabIn, tabUp),
      signIn, signUp, error));
  setTimeout(() => username.focus());
  return view;
}
