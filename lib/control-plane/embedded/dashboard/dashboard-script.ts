/**
 * The task list's live update, served as a same-origin script (the policy allows no inline
 * script). It polls the JSON twin of the page with the same filters and rebuilds the rows with
 * text nodes only, so nothing from a task is ever parsed as markup.
 */
export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  var table = document.getElementById('task-table');
  var body = document.getElementById('task-rows');
  var live = document.getElementById('live-status');
  if (!table || !body) return;
  var source = table.getAttribute('data-source');
  var columns = ['created', 'started', 'completed', 'duration'];

  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render(rows) {
    var fragment = document.createDocumentFragment();
    if (rows.length === 0) {
      var empty = document.createElement('tr');
      cell(empty, 'No tasks match.').colSpan = 8;
      fragment.appendChild(empty);
    }
    rows.forEach(function (task) {
      var tr = document.createElement('tr');
      var first = cell(tr, '');
      var link = document.createElement('a');
      link.href = task.href;
      var code = document.createElement('code');
      code.textContent = task.task_id;
      link.appendChild(code);
      first.appendChild(link);
      var badge = document.createElement('span');
      badge.className = /^[a-z_]+$/.test(task.status) ? 'status status-' + task.status : 'status';
      badge.textContent = task.status;
      cell(tr, '').appendChild(badge);
      cell(tr, task.endpoint_name);
      columns.forEach(function (name) { cell(tr, task[name]); });
      cell(tr, task.error, 'error');
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
  }

  var stopped = false;
  function poll() {
    if (stopped) return;
    fetch(source, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) {
          stopped = true;
          if (live) live.textContent = 'Signed out: reload the page to sign in again.';
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && Array.isArray(data.tasks)) render(data.tasks);
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { if (!stopped) setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
`;
