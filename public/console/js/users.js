// The users list: cursor paging (the API only goes forward, so earlier cursors are kept for
// "Previous"), and a Delete button per row behind a confirmation dialog.
import { api } from './api.js';
import { announce, announceError } from './status.js';

const PAGE_SIZE = 10;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function initUsers() {
  const heading = document.getElementById('users-heading');
  const body = document.getElementById('users-body');
  const empty = document.getElementById('users-empty');
  const previous = document.getElementById('users-previous');
  const next = document.getElementById('users-next');
  const pageLabel = document.getElementById('users-page');
  const dialog = document.getElementById('delete-dialog');
  const dialogText = document.getElementById('delete-text');
  const cursors = [null];
  let page = 0;
  let nextCursor = null;

  // The dialog's answer goes to the opening in progress only. Chromium can deliver a close event
  // after the dialog was opened again: it finds the dialog open and is ignored.
  let answer = null;
  dialog.addEventListener('close', () => {
    if (dialog.open || !answer) return;
    const resolve = answer;
    answer = null;
    resolve(dialog.returnValue);
  });

  function askToDelete() {
    answer?.(''); // an opening whose close never arrived counts as cancelled
    return new Promise((resolve) => {
      answer = resolve;
      dialog.returnValue = '';
      dialog.showModal();
    });
  }

  /** Loads the current page; resolves true when the server answered it. */
  async function load() {
    let data;
    try {
      data = await api.listUsers(PAGE_SIZE, cursors[page]);
    } catch (error) {
      announceError(error, 'Could not load the users');
      return false;
    }
    if (data.items.length === 0 && page > 0) {
      // The last user of a later page was deleted: show the page before it.
      cursors.pop();
      page -= 1;
      return load();
    }
    nextCursor = data.next_cursor;
    body.replaceChildren(...data.items.map(row));
    empty.hidden = data.items.length > 0;
    pageLabel.textContent = `Page ${page + 1}`;
    previous.disabled = page === 0;
    next.disabled = !nextCursor;
    return true;
  }

  function row(user) {
    const tr = document.createElement('tr');
    const created = document.createElement('time');
    created.dateTime = user.created_at;
    created.textContent = dateFormat.format(new Date(user.created_at));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'danger';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${user.name}`);
    remove.addEventListener('click', () => confirmDelete(user, remove));
    tr.append(cell(user.name, 'th'), cell(user.email ?? '—'), cell(created), cell(String(user.faces)), cell(remove));
    tr.firstChild.scope = 'row';
    return tr;
  }

  async function confirmDelete(user, button) {
    dialogText.textContent = `${user.name} and every face vector of theirs will be erased. This cannot be undone.`;
    const choice = await askToDelete();
    if (choice !== 'delete') {
      button.focus();
      return;
    }
    try {
      await api.deleteUser(user.id);
      announce(`Deleted ${user.name}.`);
    } catch (error) {
      announceError(error, `Could not delete ${user.name}`);
    }
    await load();
    // The row and its button are gone: keep keyboard focus somewhere sensible.
    heading.focus();
  }

  // A button that becomes disabled drops keyboard focus: hand it to the other one.
  previous.addEventListener('click', async () => {
    cursors.pop();
    page -= 1;
    await load();
    if (previous.disabled) next.focus();
  });
  next.addEventListener('click', async () => {
    cursors.push(nextCursor);
    page += 1;
    await load();
    if (next.disabled) previous.focus();
  });
  document.getElementById('users-refresh').addEventListener('click', async () => {
    if (await load()) announce('Users refreshed.');
  });

  return { load };
}

function cell(content, tag = 'td') {
  const element = document.createElement(tag);
  element.append(content);
  return element;
}
