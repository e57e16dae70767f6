// Operations (SPEC §9): this node's readiness and a few figures read from its Prometheus metrics
// (GET /api/admin/metrics, which an audit.view holder may read wherever /metrics itself is served),
// refreshed every few seconds while the page is open. If they cannot be read, the page says so and
// still shows the health.

import {h, fill} from '../dom.js';
import {status} from './ui.js';

const REFRESH_MS = 5000;

/** Prometheus text exposition → [{name, labels, value}] (comments and malformed lines skipped). */
export function parseMetrics(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
      for (let l = re.exec(m[2]); l; l = re.exec(m[2])) labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    samples.push({name: m[1], labels, value});
  }
  return samples;
}

const named = (samples, name) => samples.filter((s) => s.name === name && Number.isFinite(s.value));
const sum = (list) => list.reduce((a, s) => a + s.value, 0);

/** The figures of one scrape, with the previous one for the rates. */
export function figures(samples, previous) {
  const out = {};
  const sockets = named(samples, 'switchboard_sockets_open');
  if (sockets.length) {
    out.sockets = sum(sockets);
    const byKind = {};
    for (const s of sockets) byKind[s.labels.kind || 'other'] = (byKind[s.labels.kind || 'other'] || 0) + s.value;
    out.socketsByKind = byKind;
  }
  for (const [key, name] of [['delivered', 'switchboard_messages_delivered_total'], ['stored', 'switchboard_messages_stored_total']]) {
    const list = named(samples, name);
    if (list.length) out[key] = sum(list);
  }
  const lag = lagSeconds(samples, previous && previous.samples);
  if (lag != null) out.lag = lag;
  const modules = named(samples, 'switchboard_modules_online');
  if (modules.length) out.modules = sum(modules);
  const queue = named(samples, 'switchboard_jobs_queue_depth');
  if (queue.length) out.queue = sum(queue);
  return out;
}

/** Event-loop lag: a summary's or histogram's _max, else the gauge (or largest quantile), else the mean from _sum/_count. */
function lagSeconds(samples, before) {
  const base = 'switchboard_event_loop_lag_seconds';
  const max = named(samples, `${base}_max`);
  if (max.length) return Math.max(...max.map((s) => s.value));
  const plain = named(samples, base);
  if (plain.length) return Math.max(...plain.map((s) => s.value));
  const total = named(samples, `${base}_sum`);
  const count = named(samples, `${base}_count`);
  if (total.length && count.length) {
    let dSum = sum(total);
    let dCount = sum(count);
    if (before) {
      const pSum = sum(named(before, `${base}_sum`));
      const pCount = sum(named(before, `${base}_count`));
      if (dCount - pCount > 0 && dSum >= pSum) {
        dSum -= pSum;
        dCount -= pCount;
      }
    }
    return dCount > 0 ? dSum / dCount : 0;
  }
  return null;
}

export default function render(ctx) {
  const healthState = h('span', {class: 'pill', id: 'health-status', text: '…'});
  const healthNode = h('span', {class: 'muted', id: 'health-node'});
  const checks = h('ul', {class: 'health-checks'});
  const healthError = status();
  const metricsNote = h('p', {class: 'metrics-note hint', id: 'metrics-note', hidden: true});
  const updated = h('p', {class: 'muted', id: 'ops-updated', 'aria-live': 'off'});
  const cells = {};
  const figure = (key, label) => {
    const value = h('div', {class: 'value', text: '—'});
    const detail = h('div', {class: 'label', text: label});
    cells[key] = {value, detail, label};
    return h('div', {class: 'figure', dataset: {figure: key}}, value, detail);
  };
  const grid = h('div', {class: 'figures', id: 'ops-figures'},
    figure('sockets', 'Open sockets'),
    figure('rate', 'Messages delivered per second'),
    figure('lag', 'Event-loop lag'),
    figure('modules', 'Modules online'),
    figure('queue', 'Job queue depth'));

  let previous = null;
  let timer = null;
  let closed = false;

  function show(key, value, detail) {
    const c = cells[key];
    c.value.textContent = value;
    c.value.dataset.value = value;
    c.detail.textContent = detail ? `${c.label} · ${detail}` : c.label;
  }

  async function health() {
    try {
      const response = await fetch('/health/ready', {headers: {Accept: 'application/json'}, cache: 'no-store', credentials: 'omit'});
      let body = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      if (!body) throw new Error(`the health check answered ${response.status} without a body`);
      const ready = body.status === 'ready';
      healthState.className = `pill ${ready ? 'on' : 'bad'}`;
      healthState.textContent = body.status || String(response.status);
      healthState.dataset.status = body.status || '';
      healthNode.textContent = body.node ? `node ${body.node}` : '';
      fill(checks, Object.entries(body.checks || {}).map(([name, state]) => h('li', {dataset: {check: name}},
        h('span', {class: 'check-name', text: name}), ' ',
        h('span', {class: `pill ${state === 'up' ? 'on' : 'bad'}`, text: typeof state === 'string' ? state : JSON.stringify(state)}))));
      healthError.clear();
    } catch (e) {
      healthState.className = 'pill bad';
      healthState.textContent = 'unknown';
      healthState.dataset.status = 'unknown';
      healthError.error(e instanceof TypeError ? 'The server cannot be reached.' : e.message);
    }
  }

  async function metrics() {
    let response;
    try {
      // the node's meters through the API (audit.view), wherever /metrics itself is served
      const token = await ctx.app.auth.accessToken();
      response = await fetch('/api/admin/metrics', {headers: {Accept: 'text/plain', Authorization: `Bearer ${token}`},
        cache: 'no-store', credentials: 'omit'});
    } catch {
      unavailable('The server cannot be reached.');
      return;
    }
    const type = response.headers.get('Content-Type') || '';
    if (!response.ok || /json|html/i.test(type)) {
      const why = response.status === 401 || response.status === 403 ? 'your session or permission ended'
        : `the server answered ${response.status}`;
      unavailable(`The metrics cannot be read (${why}).`, response.status);
      return;
    }
    const samples = parseMetrics(await response.text());
    if (!samples.some((s) => s.name.startsWith('switchboard_'))) {
      unavailable('The metrics cannot be read (no Switchboard metrics in the answer).', response.status);
      return;
    }
    metricsNote.hidden = true;
    grid.hidden = false;
    const now = performance.now();
    const f = figures(samples, previous);
    f.samples = samples;
    f.at = now;

    if (f.sockets != null) {
      const kinds = Object.entries(f.socketsByKind).map(([k, v]) => `${k} ${v}`).join(', ');
      show('sockets', String(f.sockets), kinds);
    } else show('sockets', '—', 'not reported');

    if (previous && (f.delivered != null || f.stored != null)) {
      const seconds = (now - previous.at) / 1000;
      const rate = (key) => (f[key] != null && previous[key] != null && f[key] >= previous[key] && seconds > 0 ? (f[key] - previous[key]) / seconds : null);
      const delivered = rate('delivered');
      const stored = rate('stored');
      const fmt = (v) => (v == null ? '—' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
      show('rate', fmt(delivered), `stored ${fmt(stored)}/s`);
    } else if (f.delivered != null || f.stored != null) {
      show('rate', '…', 'measuring');
    } else show('rate', '—', 'not reported');

    if (f.lag != null) show('lag', f.lag < 1 ? `${(f.lag * 1000).toFixed(1)} ms` : `${f.lag.toFixed(2)} s`);
    else show('lag', '—', 'not reported');
    show('modules', f.modules != null ? String(f.modules) : '—', f.modules != null ? '' : 'not reported');
    show('queue', f.queue != null ? String(f.queue) : '—', f.queue != null ? '' : 'not reported');
    previous = f;
  }

  function unavailable(text, code) {
    metricsNote.textContent = text;
    metricsNote.dataset.status = code != null ? String(code) : '';
    metricsNote.hidden = false;
    grid.hidden = true;
    previous = null;
  }

  async function refresh() {
    try {
      await Promise.all([health(), metrics()]);
    } catch (e) {
      unavailable(`Metrics could not be read: ${e.message}`);
    }
    if (closed) return;
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshed every ${REFRESH_MS / 1000} s.`;
    timer = setTimeout(refresh, REFRESH_MS);
  }

  const el = h('div', {class: 'admin-operations'},
    h('section', {class: 'admin-section', 'aria-labelledby': 'health-title'},
      h('h2', {id: 'health-title', text: 'Health'}),
      h('p', {class: 'health-line'}, 'Readiness: ', healthState, ' ', healthNode),
      checks,
      healthError.el),
    h('section', {class: 'admin-section', 'aria-labelledby': 'figures-title'},
      h('h2', {id: 'figures-title', text: 'This node'}),
      metricsNote,
      grid),
    updated);
  refresh();

  return {
    el,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
