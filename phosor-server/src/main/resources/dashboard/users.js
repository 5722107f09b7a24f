// Accounts (admins): list, create, change role, disable or enable, delete (after a confirmation). The server
// enforces the rules (names, 12+ character passwords, the last admin kept) and its messages are shown as is.

import {api, me} from './api.js';
import {h, fill, time, toast, confirmDialog} from './dom.js';

const ROLES = ['viewer', 'analyst', 'admin'];

export function mountUsers(view) {
  const body = h('tbody', {});
  const problem = h('p', {id: 'users-problem', class: 'error', role: 'alert'});
  const name = h('input', {id: 'new-username', name: 'username', maxlength: 64, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false'});
  const password = h('input', {id: 'new-password', name: 'password', type: 'password', minlength: 12, maxlength: 1024, autocomplete: 'new-password'});
  const role = h('select', {id: 'new-role', name: 'role'}, ROLES.map((r) => h('option', {value: r}, r)));
  const form = h('form', {class: 'card', id: 'user-form', 'aria-labelledby': 'new-user-title', novalidate: true},
      h('h2', {id: 'new-user-title'}, 'New account'),
      h('div', {class: 'grid'}, h('label', {for: 'new-username'}, 'User name'), name,
          h('label', {for: 'new-password'}, 'Password (12 characters or more)'), password,
          h('label', {for: 'new-role'}, 'Role'), role),
      h('button', {type: 'submit', id: 'user-create'}, 'Create account'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    try {
      await api('POST', '/api/users', {username: name.value.trim(), password: password.value, role: role.value});
      toast('Account ' + name.value.trim() + ' created.');
      name.value = '';
      password.value = '';
      load();
    } catch (err) {
      problem.textContent = err.message;
    }
  });
  fill(view, h('h1', {}, 'Users'), problem,
      h('div', {class: 'table-wrap'}, h('table', {id: 'user-table'},
          h('caption', {class: 'sr-only'}, 'Accounts'),
          h('thead', {}, h('tr', {}, ['User', 'Role', 'Disabled', 'Last login', ''].map((c) => h('th', {scope: 'col'}, c)))),
          body)),
      form);

  async function change(user, patch, what) {
    problem.textContent = '';
    try {
      await api('PUT', '/api/users/' + encodeURIComponent(user), patch);
      toast(user + ': ' + what + '.');
    } catch (err) {
      problem.textContent = err.message;
    }
    load();
  }

  async function remove(user) {
    if (!(await confirmDialog('Delete account', 'Delete the account "' + user + '"? Its sessions end at once.', 'Delete'))) return;
    problem.textContent = '';
    try {
      await api('DELETE', '/api/users/' + encodeURIComponent(user));
      toast('Account ' + user + ' deleted.');
    } catch (err) {
      problem.textContent = err.message;
    }
    load();
  }

  function row(u) {
    const user = String(u.username);
    const sel = h('select', {'aria-label': 'Role of ' + user, 'data-user': user}, ROLES.map((r) => h('option', {value: r, selected: r === u.role}, r)));
    sel.addEventListener('change', () => change(user, {role: sel.value}, 'role ' + sel.value));
    const dis = h('input', {type: 'checkbox', checked: !!u.disabled, 'aria-label': 'Disable ' + user});
    dis.addEventListener('change', () => change(user, {disabled: dis.checked}, dis.checked ? 'disabled' : 'enabled'));
    const self = me() && me().username === user;
    return h('tr', {'data-user': user},
        h('td', {}, user, self ? h('span', {class: 'muted'}, ' (you)') : null),
        h('td', {}, sel), h('td', {}, dis), h('td', {}, time(u.last_login_at)),
        h('td', {}, h('button', {type: 'button', 'aria-label': 'Delete account ' + user, onclick: () => remove(user)}, 'Delete')));
  }

  async function load() {
    try {
      const users = await api('GET', '/api/users');
      fill(body, (Array.isArray(users) ? users : users.users || []).map(row));
    } catch (err) {
      problem.textContent = err.message;
    }
  }

  load();
  return {};
}
