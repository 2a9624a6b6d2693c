#include "server/web_page.h"

namespace mortar::server {

std::string_view WebPageHtml() {
  return R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>Mortar</title>
<link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script></head>
<body><main>
<h1>Mortar</h1>
<p id="notice" class="notice" hidden></p>
<section id="login" hidden>
  <h2>Log in</h2>
  <form id="login-form">
    <label>User <input id="user" autocomplete="username"></label>
    <label>Password <input id="password" type="password" autocomplete="current-password"></label>
    <button id="login-button" type="submit">Log in</button>
  </form>
  <p id="login-error" class="error"></p>
</section>
<section id="app" hidden>
  <p>Logged in as <strong id="me"></strong>. <button id="logout">Log out</button></p>
  <p id="my-projects"></p>
  <h2>Connections</h2>
  <table id="connections"><thead><tr><th>Name</th><th>Type</th><th>You may</th><th>Credentials</th><th></th></tr></thead><tbody></tbody></table>
  <p id="connection-result" class="result"></p>
  <section id="browse" hidden>
    <h3>Browse <span id="browse-connection"></span></h3>
    <p id="browse-path"></p>
    <ul id="browse-list"></ul>
    <table id="browse-columns"></table>
    <p id="browse-error" class="error"></p>
  </section>
  <h2>Query</h2>
  <form id="sql-form">
    <select id="sql-connection"></select>
    <textarea id="sql-query" rows="3">SELECT current_user()</textarea>
    <button id="sql-run" type="submit">Run</button>
  </form>
  <p id="sql-error" class="error"></p>
  <table id="sql-result"></table>
  <h2>Charts</h2>
  <p id="charts-note" class="result"></p>
  <ul id="charts"></ul>
  <figure id="chart-view" hidden>
    <img id="chart-image" alt="">
    <figcaption id="chart-caption"></figcaption>
  </figure>
  <p id="chart-error" class="error"></p>
  <table id="chart-data"></table>
  <h2>API keys</h2>
  <p>For scripts and the Python API: send <code>Authorization: Bearer &lt;key&gt;</code>.</p>
  <button id="api-key-create">Create an API key</button>
  <p id="api-key-new" class="result"></p>
</section>
</main></body></html>
)html";
}

std::string_view WebPageScript() {
  return R"js('use strict';
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const options = { method, headers: { 'X-Mortar-Request': '1' } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { status: response.status });
  return data;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function button(parent, label, id, onClick) {
  const b = document.createElement('button');
  b.textContent = label;
  b.id = id;
  b.addEventListener('click', onClick);
  parent.appendChild(b);
}

function show(id, text, isError) {
  const p = $(id);
  p.textContent = text;
  p.className = isError ? 'error' : 'result';
}

// Catalogs, then schemas, tables and a table's columns: one level a click.
async function browse(name, where) {
  $('browse').hidden = false;
  $('browse-connection').textContent = name;
  $('browse-error').textContent = '';
  $('browse-list').replaceChildren();
  $('browse-columns').replaceChildren();
  const level = where.table ? 'columns' : where.schema ? 'tables' : where.catalog !== undefined ? 'schemas' : 'catalogs';
  const path = [where.catalog, where.schema, where.table].filter((p) => p).join('.');
  $('browse-path').textContent = level + (path ? ' of ' + path : '');
  const query = new URLSearchParams(Object.entries(where).filter(([, v]) => v)).toString();
  try {
    const items = await api('GET', '/api/connections/' + name + '/' + level + (query ? '?' + query : ''));
    if (level === 'catalogs' && items.length === 0) return browse(name, { catalog: '' });
    if (level === 'columns') {
      const head = document.createElement('tr');
      cell(head, 'Column'); cell(head, 'Type');
      $('browse-columns').appendChild(head);
      for (const column of items) {
        const row = document.createElement('tr');
        cell(row, column.name); cell(row, column.type);
        $('browse-columns').appendChild(row);
      }
      return;
    }
    for (const item of items) {
      const li = document.createElement('li');
      const label = level === 'catalogs' ? item.catalog : level === 'schemas' ? item.schema : item.table;
      const next = level === 'catalogs' ? { catalog: item.catalog }
        : level === 'schemas' ? { catalog: where.catalog, schema: item.schema }
        : { catalog: item.catalog || where.catalog, schema: item.schema || where.schema, table: item.table };
      button(li, label, 'browse-item-' + label, () => browse(name, next));
      $('browse-list').appendChild(li);
    }
  } catch (e) { $('browse-error').textContent = e.message; }
}

async function loadConnections() {
  const list = await api('GET', '/api/connections');
  const body = $('connections').querySelector('tbody');
  body.replaceChildren();
  $('sql-connection').replaceChildren();
  for (const c of list) {
    const row = document.createElement('tr');
    row.id = 'connection-' + c.name;
    cell(row, c.name);
    cell(row, c.type || '');
    const may = c.may || {};
    cell(row, may.free_sql ? 'use, free SQL' : may.use ? 'use' : '').className = 'may';
    const cred = c.credentials;
    let text = c.error || '';
    if (cred) {
      text = cred.method + (cred.per_user ? ' (per user)' : '');
      if (cred.per_user) text += cred.provided ? ': provided' : ': not provided yet';
      if (cred.obtained_at) text += ', authorized ' + cred.obtained_at;
      if (cred.refreshed_at && cred.refreshed_at !== cred.obtained_at) text += ', refresh token renewed ' + cred.refreshed_at;
    }
    cell(row, text).className = 'credentials';
    const actions = cell(row, '');
    if (cred && cred.method === 'OAuth per-user') {
      button(actions, cred.provided ? 'Authorize again' : 'Authorize', 'authorize-' + c.name, async () => {
        try {
          const { url } = await api('POST', '/api/connections/' + c.name + '/authorize');
          window.location.assign(url);
        } catch (e) { show('connection-result', e.message, true); }
      });
    }
    if (cred && cred.per_user && cred.method === 'personal access token') {
      button(actions, 'Enter token', 'token-' + c.name, async () => {
        const token = window.prompt('Personal access token for ' + c.name);
        if (!token) return;
        try {
          await api('PUT', '/api/connections/' + c.name + '/credentials', { token });
          await loadConnections();
        } catch (e) { show('connection-result', e.message, true); }
      });
    }
    if (['databricks', 'sqlite'].includes(c.type)) {
      button(actions, 'Browse', 'browse-' + c.name, () => browse(c.name, {}));
    }
    button(actions, 'Test', 'test-' + c.name, async () => {
      show('connection-result', 'Testing ' + c.name + '…', false);
      try {
        const r = await api('POST', '/api/connections/' + c.name + '/test');
        show('connection-result', 'Connection ' + c.name + ' works: ' +
          Object.entries(r.report || {}).map(([k, v]) => k + ' ' + v).join('; '), false);
      } catch (e) { show('connection-result', e.message, true); }
    });
    body.appendChild(row);
    if (may.free_sql) {
      const option = document.createElement('option');
      option.value = option.textContent = c.name;
      $('sql-connection').appendChild(option);
    }
  }
  const sql = $('sql-connection').options.length > 0;
  $('sql-run').disabled = !sql;
  show('sql-error', sql ? '' : 'You may not run free SQL on any connection: an admin can grant it.', false);
}

async function runSql(event) {
  event.preventDefault();
  $('sql-error').textContent = '';
  $('sql-result').replaceChildren();
  try {
    const r = await api('POST', '/api/sql', { connection: $('sql-connection').value, query: $('sql-query').value });
    fillTable($('sql-result'), r.columns, r.rows);
  } catch (e) { $('sql-error').textContent = e.message; }
}

// A value for people: doubles to 15 significant digits (0.3, not 0.30000000000000004),
// as the command line's tables show them; decimals arrive as exact text.
function readable(v) {
  if (v === null) return 'NULL';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toPrecision(15)));
  return v;
}

function fillTable(table, columns, rows) {
  table.replaceChildren();
  const head = document.createElement('tr');
  for (const name of columns) cell(head, name);
  table.appendChild(head);
  for (const values of rows) {
    const row = document.createElement('tr');
    for (const v of values) cell(row, readable(v));
    table.appendChild(row);
  }
}

async function showChart(project, name) {
  const query = '?project=' + encodeURIComponent(project);
  $('chart-error').textContent = '';
  try {
    const r = await api('GET', '/api/charts/' + name + query);
    $('chart-caption').textContent = r.chart + ': ' + r.rows.length + ' bin(s), engine ' + r.engine +
      (r.cached ? ', from the cache' : '');
    $('chart-image').alt = 'Chart ' + r.chart;
    $('chart-image').src = '/api/charts/' + name + '.svg' + query;
    $('chart-view').hidden = false;
    fillTable($('chart-data'), r.columns, r.rows);
  } catch (e) {
    $('chart-view').hidden = true;
    $('chart-data').replaceChildren();
    $('chart-error').textContent = e.message;
  }
}

async function loadCharts() {
  const list = $('charts');
  list.replaceChildren();
  try {
    const r = await api('GET', '/api/charts');
    $('charts-note').textContent = r.charts.length ? 'Project ' + r.project + ':' : 'Project ' + r.project + ' has no charts.';
    for (const c of r.charts) {
      const item = document.createElement('li');
      item.textContent = c.name + ' (' + c.dataset + ') ';
      button(item, 'Show', 'chart-' + c.name, () => showChart(r.project, c.name));
      list.appendChild(item);
    }
  } catch (e) { $('charts-note').textContent = e.message; }
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  if (params.get('authorized')) show('notice', 'Connection ' + params.get('authorized') + ' is authorized.', false);
  $('notice').hidden = !params.get('authorized');
  try {
    const me = await api('GET', '/api/me');
    $('me').textContent = me.user + (me.admin ? ' (admin)' : '');
    $('my-projects').textContent = me.projects.length
      ? 'Your projects: ' + me.projects.map((p) => p.name + ' (' + p.role + ')').join(', ')
      : 'You have no role on any project yet: a project admin can grant you one.';
    $('login').hidden = true;
    $('app').hidden = false;
    await loadConnections();
    await loadCharts();
  } catch (e) {
    $('login').hidden = false;
    $('app').hidden = true;
  }
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('POST', '/api/login', { user: $('user').value, password: $('password').value });
    $('password').value = '';
    await start();
  } catch (e) { $('login-error').textContent = e.message; }
});
$('logout').addEventListener('click', async () => { await api('POST', '/api/logout'); await start(); });
$('sql-form').addEventListener('submit', runSql);
$('api-key-create').addEventListener('click', async () => {
  try {
    const r = await api('POST', '/api/api-keys', { label: 'web page' });
    show('api-key-new', 'New API key (shown once): ' + r.key, false);
  } catch (e) { show('api-key-new', e.message, true); }
});
start();
)js";
}

std::string_view WebPageStyle() {
  return R"css(body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
main { max-width: 60rem; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
label { display: block; margin: .3rem 0; }
textarea { width: 100%; font-family: monospace; }
button { margin-right: .3rem; }
figure { margin: .5rem 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
.error { color: #a00; }
.result, .notice { color: #064; }
)css";
}

}  // namespace mortar::server
