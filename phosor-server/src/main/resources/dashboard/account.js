// The account page (every logged-in person): who you are, and changing your own password with
// POST /api/users/{username}/password {"password", "old_password"}. The server checks the old password and the
// rules for the new one (12 to 1,024 characters) and its message is shown as is; the page only checks that the
// two new-password fields match. A changed password ends every session of the account, this one too, so the page
// then sends the user to the login form.

import {api, me, logout} from './api.js';
import {h, fill} from './dom.js';

export function mountAccount(view) {
  const who = me();
  if (!who || who.kind !== 'user') {
    fill(view, h('h1', {}, 'Account'),
        h('p', {}, 'You are using the API token: it has no password to change here. Rotate it as docs/secrets.md says.'));
    return {};
  }
  const field = (id, label, autocomplete, hint) => {
    const input = h('input', {id, name: id, type: 'password', maxlength: 1024, autocomplete, required: true,
      'aria-describedby': hint ? id + '-hint' : null});
    return [h('label', {for: id}, label), h('div', {}, input, hint ? h('span', {id: id + '-hint', class: 'muted block'}, hint) : null)];
  };
  const problem = h('p', {id: 'account-problem', class: 'error', role: 'alert'});
  const form = h('form', {class: 'card', id: 'password-form', 'aria-labelledby': 'password-title', novalidate: true},
      h('h2', {id: 'password-title'}, 'Change my password'),
      h('p', {class: 'muted'}, 'Changing it ends every session of this account, this one included: you log in again '
          + 'with the new password.'),
      h('div', {class: 'grid'},
          field('old-password', 'Current password', 'current-password'),
          field('account-new-password', 'New password', 'new-password', '12 to 1,024 characters'),
          field('account-repeat-password', 'New password again', 'new-password')),
      h('button', {type: 'submit', id: 'password-save'}, 'Change password'), problem);
  const $ = (id) => form.querySelector('#' + id);
  const old = $('old-password');
  const fresh = $('account-new-password');
  const again = $('account-repeat-password');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    for (const i of [old, fresh, again]) i.removeAttribute('aria-invalid');
    const empty = [old, fresh, again].find((i) => !i.value);
    if (empty) {
      problem.textContent = 'Fill in all three fields.';
      empty.setAttribute('aria-invalid', 'true');
      empty.focus();
      return;
    }
    if (fresh.value !== again.value) {
      problem.textContent = 'The two new passwords do not match.';
      again.setAttribute('aria-invalid', 'true');
      again.select();
      return;
    }
    const button = $('password-save');
    button.disabled = true;
    try {
      await api('POST', '/api/users/' + encodeURIComponent(who.username) + '/password',
          {password: fresh.value, old_password: old.value});
      for (const i of [old, fresh, again]) i.value = '';
      logout('Your password was changed: log in with the new one.');
    } catch (err) {
      problem.textContent = err.status === 429
        ? 'Too many wrong passwords: ' + err.message
        : err.message;
      (err.status === 403 ? old : fresh).select();
    } finally {
      button.disabled = false;
    }
  });
  fill(view, h('h1', {}, 'Your account'),
      h('dl', {class: 'facts', id: 'account-facts'},
          h('dt', {}, 'User name'), h('dd', {}, String(who.username)),
          h('dt', {}, 'Role'), h('dd', {}, String(who.role))),
      form);
  old.focus();
  return {};
}
