'use strict';
// The Outpost admin console: reads and changes the fleet through the admin API with an admin token
// kept in this tab's sessionStorage (never in a URL or a cookie, so no request is forged from elsewhere).
// Every value from the server is shown with textContent, never parsed as HTML.
(function () {
  const API = '../api/admin/';
  const TOKEN_KEY = 'outpost.adminToken';
  const REFRESH_MS = 5000;
  const DAY_SECONDS = 86400;
  const state = { filter: 'all', sort: 'lastSeen', descending: true, replicas: [], timer: null };

  const $ = (id) => document.getElementById(id);
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) td.className = className;
    return td;
  }

  function row(values, className) {
    const tr = document.createElement('tr');
    values.forEach((v) => tr.appendChild(v instanceof Node ? v : cell(v)));
    if (className) tr.className = className;
    return tr;
  }

  async function call(path, options) {
    const response = await fetch(API + path, Object.assign({}, options, {
      headers: Object.assign({ Authorization: 'Bearer ' + token(), Accept: 'application/json' },
        options && options.body ? { 'Content-Type': 'application/json' } : {}),
      cache: 'no-store',
    }));
    if (response.status === 401) {
      signOut('The server no longer accepts this token.');
      throw new Error('unauthorized');
    }
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new Error(body && body.detail ? body.detail : 'HTTP ' + response.status);
    }
    return body;
  }

  function show(section) {
    ['login', 'overview', 'releases', 'replicas', 'replica', 'tables', 'tokens'].forEach((id) => { $(id).hidden = id !== section; });
    $('nav').hidden = section === 'login';
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.id === 'nav-' + section));
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(state.timer);
    $('login-error').textContent = message || '';
    location.hash = '#/login';
    show('login');
  }

  async function signIn(event) {
    event.preventDefault();
    const candidate = $('login-token').value.trim();
    const response = await fetch(API + 'replicas?limit=1', {
      headers: { Authorization: 'Bearer ' + candidate }, cache: 'no-store',
    });
    if (response.status === 401 || response.status === 429) {
      $('login-error').textContent = 'The server does not accept this token.';
      return;
    }
    if (response.status === 403) {
      $('login-error').textContent = 'This token is not an admin token.';
      return;
    }
    if (!response.ok) {
      $('login-error').textContent = 'The server answered HTTP ' + response.status + '.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, candidate);
    $('login-token').value = '';
    $('login-error').textContent = '';
    location.hash = '#/overview';
  }

  // ---- replicas

  const isBehind = (r) => r.changesBehind > 0;
  const isFailing = (r) => r.lastOutcome === 'FAILED';
  const isStale = (r) => (Date.now() - Date.parse(r.lastSeen)) / 1000 > DAY_SECONDS;
  const FILTERS = { all: () => true, behind: isBehind, failing: isFailing, stale: isStale };

  async function loadReplicas() {
    try {
      state.replicas = await call('replicas');
      $('replicas-error').textContent = '';
      renderReplicas();
    } catch (e) {
      $('replicas-error').textContent = e.message;
    }
  }

  function fleetSummary(all) {
    return all.length + ' replicas: '
      + all.filter((r) => !isBehind(r) && !isFailing(r)).length + ' current, '
      + all.filter(isBehind).length + ' behind, ' + all.filter(isFailing).length + ' failing, '
      + all.filter(isStale).length + ' not seen for a day.';
  }

  function facts(list, pairs) {
    const dl = $(list);
    dl.replaceChildren();
    pairs.forEach(([k, v]) => {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v === null || v === undefined ? '' : String(v);
      dl.append(dt, dd);
    });
  }

  // ---- overview

  async function loadOverview() {
    try {
      const [overview, replicas, history] =
        await Promise.all([call('overview'), call('replicas'), call('fleet/history?hours=24')]);
      drawFleetHistory(history);
      const live = overview.live;
      const last = live.latestChangeSet || {};
      facts('live', [['Release', live.tag || '(untagged)'], ['Latest changeset', last.id],
        ['Executed', last.dateExecuted], ['Synced tables', Object.keys(live.tableFingerprints || {}).length],
        ['Schema fingerprint', live.schemaFingerprint]]);
      const feed = overview.feed;
      facts('capture', [['Mode', feed.mode], ['Why not capturing', feed.reason],
        ['Capturing instance', overview.capturingInstance || (feed.slotActive ? 'another client' : 'none')],
        ['Changes per second (last minute)', overview.changesPerSecond.toFixed(1)],
        ['Slot lag (WAL bytes)', feed.slotLagBytes],
        ['Newest position', feed.latestPosition], ['Retention horizon', feed.horizon]]);
      $('overview-fleet').textContent = fleetSummary(replicas);
      const body = $('release-table').tBodies[0];
      body.replaceChildren();
      overview.releases.forEach((r) => {
        const on = replicas.filter((x) => x.tag === r.tag).length;
        const changed = r.changedTables === null || r.changedTables === undefined ? 'not known'
          : r.changedTables.length ? r.changedTables.join(', ') : 'no synced table';
        const tr = row([r.tag || '(not tagged yet)', r.changeSets, r.executed, changed, on + ' of ' + replicas.length]);
        tr.dataset.release = r.tag || '';
        body.appendChild(tr);
      });
      $('overview-error').textContent = '';
    } catch (e) {
      $('overview-error').textContent = e.message;
    }
  }

  // the fleet over the last day (sampled once a minute by the servers): counts, and the largest lag
  function drawFleetHistory(samples) {
    ['fleet-chart', 'lag-chart'].forEach((id) => $(id).replaceChildren());
    if (typeof uPlot === 'undefined' || samples.length === 0) return;
    const xs = samples.map((s) => Date.parse(s.at) / 1000);
    const width = Math.min(900, $('fleet-chart').clientWidth || 900);
    const series = (label, stroke) => ({ label, stroke, width: 2 });
    // eslint-disable-next-line no-new
    new uPlot({
      width, height: 220, scales: { x: { time: true } },
      series: [{}, series('replicas', '#8a94a6'), series('current', '#2e7d32'), series('behind', '#b54708'),
        series('failing', '#b42318')],
    }, [xs, samples.map((s) => s.replicas), samples.map((s) => s.current), samples.map((s) => s.behind),
      samples.map((s) => s.failing)], $('fleet-chart'));
    // eslint-disable-next-line no-new
    new uPlot({
      width, height: 180, scales: { x: { time: true } },
      series: [{}, series('largest lag (seconds)', '#b54708')],
    }, [xs, samples.map((s) => s.maxSecondsBehind)], $('lag-chart'));
  }

  function renderReplicas() {
    const all = state.replicas;
    $('fleet-summary').textContent = fleetSummary(all);
    const byTag = new Map();
    all.forEach((r) => { const tag = r.tag || '(none)'; byTag.set(tag, (byTag.get(tag) || 0) + 1); });
    const rollout = $('rollout');
    rollout.replaceChildren();
    [...byTag.keys()].sort().reverse().forEach((tag) => {
      const li = document.createElement('li');
      li.dataset.tag = tag;
      li.textContent = 'Release ' + tag + ': ' + byTag.get(tag) + ' of ' + all.length + ' replicas';
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = Math.round(200 * byTag.get(tag) / Math.max(1, all.length)) + 'px';
      li.appendChild(bar);
      rollout.appendChild(li);
    });
    const shown = all.filter(FILTERS[state.filter]).sort((a, b) => {
      const x = a[state.sort]; const y = b[state.sort];
      const order = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -1 : 1;
      return state.descending ? -order : order;
    });
    const body = $('replica-table').tBodies[0];
    body.replaceChildren();
    shown.forEach((r) => {
      const tr = row([r.tokenName, r.id.substring(0, 8), r.lastSeen, r.tag, r.changesBehind, r.secondsBehind,
        r.lastOutcome, r.lastError], 'link' + (isFailing(r) ? ' failed' : isBehind(r) ? ' behind' : ''));
      tr.dataset.replica = r.id;
      tr.addEventListener('click', () => { location.hash = '#/replica/' + r.id; });
      body.appendChild(tr);
    });
  }

  async function loadReplica(id) {
    const detail = await call('replicas/' + encodeURIComponent(id));
    const r = detail.replica;
    $('replica-id').textContent = r.id;
    const latest = detail.syncs.length ? detail.syncs[0].report : null;
    const quarantine = latest && latest.quarantinedValues
      ? latest.quarantinedValues + ' in ' + (latest.quarantinedColumns || []).join(', ') : 'none';
    facts('replica-facts', [['Device', r.tokenName], ['Client', r.clientVersion], ['First seen', r.firstSeen],
      ['Last seen', r.lastSeen], ['Release', r.tag], ['Feed position', r.position], ['Changes behind', r.changesBehind],
      ['Seconds behind', r.secondsBehind], ['Last sync', r.lastOutcome], ['Error', r.lastError],
      ['Values Derby cannot hold (kept as text in the quarantine)', quarantine]]);
    const body = $('sync-table').tBodies[0];
    body.replaceChildren();
    detail.syncs.forEach((s) => {
      const p = s.report;
      body.appendChild(row([s.at, p.outcome, p.tag, (p.tablesRebuilt || []).join(', '), (p.tablesKept || []).join(', '),
        p.rows, p.bytes, (p.durationMillis / 1000).toFixed(1), p.quarantinedValues || 0, p.error],
      p.outcome === 'FAILED' ? 'failed' : ''));
    });
  }

  // ---- releases

  async function loadReleases() {
    try {
      const overview = await call('overview');
      const select = $('release-select');
      const chosen = select.value;
      select.replaceChildren();
      overview.releases.filter((r) => r.tag).forEach((r) => {
        const option = document.createElement('option');
        option.value = r.tag;
        option.textContent = r.tag + ' (' + r.changeSets + ' changesets, ' + r.executed + ')';
        select.appendChild(option);
      });
      if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
      await loadRollout();
      $('releases-error').textContent = '';
    } catch (e) {
      $('releases-error').textContent = e.message;
    }
  }

  async function loadRollout() {
    const tag = $('release-select').value;
    const chart = $('rollout-chart');
    if (!tag) {
      chart.replaceChildren();
      return;
    }
    const rollout = await call('releases/' + encodeURIComponent(tag) + '/rollout');
    $('rollout-summary').textContent = rollout.onIt + ' of ' + rollout.replicas + ' replicas on ' + tag
      + ' now; ' + rollout.arrivals.length + ' reached it so far.';
    // a step for each replica reaching the release, from just before the first to now
    const times = rollout.arrivals.map((a) => Date.parse(a) / 1000);
    const now = Date.now() / 1000;
    const xs = [(times.length ? times[0] : now) - 60].concat(times, [now]);
    const reached = [0].concat(times.map((t, i) => i + 1), [times.length]);
    const total = xs.map(() => rollout.replicas);
    chart.replaceChildren();
    if (typeof uPlot === 'undefined') return;
    // eslint-disable-next-line no-new
    new uPlot({
      width: Math.min(900, chart.clientWidth || 900),
      height: 280,
      scales: { x: { time: true }, y: { range: [0, Math.max(1, rollout.replicas)] } },
      series: [{}, { label: 'replicas on ' + tag, stroke: '#2e7d32', width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: 'replicas', stroke: '#8a94a6', dash: [6, 4] }],
    }, [xs, reached, total], chart);
  }

  // ---- tables

  function size(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
  }

  async function loadTables() {
    try {
      const tables = await call('tables');
      const body = $('table-table').tBodies[0];
      body.replaceChildren();
      tables.forEach((t) => {
        const tr = row([t.name, t.columns, t.rows < 0 ? 'not analysed yet' : t.rows, size(t.bytes),
          t.followed ? 'yes' : 'no: ' + t.notFollowedBecause, t.lastChangedIn || 'before the first release seen',
          t.fingerprint]);
        tr.dataset.table = t.name;
        body.appendChild(tr);
      });
      $('tables-error').textContent = '';
    } catch (e) {
      $('tables-error').textContent = e.message;
    }
  }

  // ---- tokens

  function grantText(g) {
    return g.table + (g.columns ? ':' + g.columns.join(',') : '') + (g.rowFilter ? ' where ' + g.rowFilter : '');
  }

  async function loadTokens() {
    try {
      const tokens = await call('tokens');
      const body = $('token-table').tBodies[0];
      body.replaceChildren();
      tokens.forEach((t) => {
        const action = document.createElement('td');
        if (!t.revoked) {
          const edit = document.createElement('button');
          edit.type = 'button';
          edit.textContent = 'Edit';
          edit.dataset.edit = t.name;
          edit.addEventListener('click', () => startEditing(t));
          action.appendChild(edit);
          const revoke = document.createElement('button');
          revoke.type = 'button';
          revoke.textContent = 'Revoke';
          revoke.dataset.token = t.name;
          revoke.addEventListener('click', () => confirmRevoke(revoke, t));
          action.appendChild(revoke);
        }
        const tr = row([t.id, t.name, t.role, (t.grants || []).map(grantText).join('; '), t.lastUsed,
          t.revoked ? 'revoked ' + t.revoked : t.expires ? 'expires ' + t.expires : 'active', action]);
        tr.dataset.token = t.name;
        body.appendChild(tr);
      });
      $('tokens-error').textContent = '';
    } catch (e) {
      $('tokens-error').textContent = e.message;
    }
  }

  function startEditing(t) {
    state.editing = t;
    $('token-name').value = t.name;
    $('token-role').value = t.role;
    $('token-role').disabled = true;
    $('token-grants').value = (t.grants || []).map(grantText).join('\n');
    $('token-attributes').value = Object.entries(t.attributes || {})
      .map(([name, values]) => name + '=' + values.join(',')).join('\n');
    $('token-form-title').textContent = 'Edit token ' + t.id + ' (' + t.name + ')';
    $('token-create').textContent = 'Save changes';
    $('token-cancel').hidden = false;
    $('token-secret').hidden = true;
  }

  function stopEditing() {
    state.editing = null;
    $('token-form').reset();
    $('token-role').disabled = false;
    $('token-form-title').textContent = 'New token';
    $('token-create').textContent = 'Create';
    $('token-cancel').hidden = true;
  }

  function confirmRevoke(button, t) {
    if (button.dataset.armed !== 'yes') {
      button.dataset.armed = 'yes';
      button.textContent = 'Confirm: revoke ' + t.name;
      return;
    }
    call('tokens/' + t.id + '/revoke', { method: 'POST' })
      .then(loadTokens)
      .catch((e) => { $('tokens-error').textContent = e.message; });
  }

  function parseGrants(text) {
    return text.split('\n').map((l) => l.trim()).filter((l) => l).map((line) => {
      const where = line.search(/\swhere\s/i);
      const head = where < 0 ? line : line.substring(0, where).trim();
      const grant = {};
      const colon = head.indexOf(':');
      grant.table = colon < 0 ? head : head.substring(0, colon);
      if (colon >= 0) grant.columns = head.substring(colon + 1).split(',').map((c) => c.trim()).filter((c) => c);
      if (where >= 0) grant.rowFilter = line.substring(where).trim().substring(5).trim();
      return grant;
    });
  }

  function parseAttributes(text) {
    const attributes = {};
    text.split('\n').map((l) => l.trim()).filter((l) => l).forEach((line) => {
      const eq = line.indexOf('=');
      if (eq > 0) attributes[line.substring(0, eq).trim()] = line.substring(eq + 1).split(',').map((v) => v.trim());
    });
    return attributes;
  }

  // creates a token, or saves the one being edited (the server checks grants and filters either way)
  async function saveToken(event) {
    event.preventDefault();
    const role = $('token-role').value;
    const request = { name: $('token-name').value.trim() };
    if (role !== 'admin' && role !== 'metrics') {
      request.grants = parseGrants($('token-grants').value);
      request.attributes = parseAttributes($('token-attributes').value);
    }
    try {
      if (state.editing) {
        await call('tokens/' + state.editing.id, { method: 'PATCH', body: JSON.stringify(request) });
        stopEditing();
      } else {
        request.role = role;
        const created = await call('tokens', { method: 'POST', body: JSON.stringify(request) });
        $('token-secret-value').textContent = created.secret;
        $('token-secret').hidden = false;
        $('token-form').reset();
      }
      $('tokens-error').textContent = '';
      await loadTokens();
    } catch (e) {
      $('tokens-error').textContent = e.message;
    }
  }

  // ---- routing

  async function route() {
    clearInterval(state.timer);
    if (!token()) {
      show('login');
      return;
    }
    const hash = location.hash || '#/overview';
    if (hash.startsWith('#/replica/')) {
      show('replica');
      await loadReplica(decodeURIComponent(hash.substring('#/replica/'.length))).catch((e) => {
        $('replica-facts').textContent = e.message;
      });
    } else if (hash === '#/releases') {
      show('releases');
      await loadReleases();
      state.timer = setInterval(loadReleases, REFRESH_MS);
    } else if (hash === '#/tables') {
      show('tables');
      await loadTables();
    } else if (hash === '#/tokens') {
      show('tokens');
      $('token-secret').hidden = true;
      await loadTokens();
    } else if (hash === '#/replicas') {
      show('replicas');
      await loadReplicas();
      state.timer = setInterval(loadReplicas, REFRESH_MS);
    } else {
      show('overview');
      await loadOverview();
      state.timer = setInterval(loadOverview, REFRESH_MS);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', signIn);
    $('token-form').addEventListener('submit', saveToken);
    $('token-cancel').addEventListener('click', stopEditing);
    $('release-select').addEventListener('change', () => loadRollout().catch((e) => {
      $('releases-error').textContent = e.message;
    }));
    $('sign-out').addEventListener('click', () => signOut());
    document.querySelectorAll('.filters button').forEach((b) => b.addEventListener('click', () => {
      state.filter = b.dataset.filter;
      document.querySelectorAll('.filters button').forEach((x) => x.classList.toggle('active', x === b));
      renderReplicas();
    }));
    document.querySelectorAll('#replica-table th[data-sort]').forEach((th) => th.addEventListener('click', () => {
      state.descending = state.sort === th.dataset.sort ? !state.descending : false;
      state.sort = th.dataset.sort;
      renderReplicas();
    }));
    window.addEventListener('hashchange', route);
    route();
  });
}());
