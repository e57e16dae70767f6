// Timed and background jobs (SPEC §8): the schedules, retimed, switched on or off and run now; the
// background jobs by status, with their payloads, failed ones queued again.

import {h, fill, dialog} from '../dom.js';
import {query, enc} from '../api.js';
import {table, field, checkbox, status, pager, when} from './ui.js';

const PAGE_SIZE = 20;
const MAX_INTERVAL = 2678400;
const STATUSES = ['all', 'queued', 'running', 'done', 'failed'];

export default function render(ctx) {
  const {api} = ctx;
  const timers = new Set();
  const later = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  // ---- schedules
  const scheduleState = status();
  const scheduleColumns = [
    {title: 'Name', cell: (s) => h('strong', {text: s.name})},
    {title: 'Timing', cell: (s) => timing(s)},
    {title: 'Enabled', cell: (s) => h('span', {class: `pill ${s.enabled ? 'on' : 'off'}`, text: s.enabled ? 'enabled' : 'disabled'})},
    {title: 'Last run', cell: (s) => when(s.lastRunAt)},
    {title: 'Next run', cell: (s) => s.enabled ? when(s.nextRunAt) : h('span', {class: 'muted', title: s.nextRunAt ? `due ${new Date(s.nextRunAt).toLocaleString()}` : null, text: 'disabled'})},
    {title: 'Last outcome', cell: (s) => outcome(s.lastOutcome)},
    {title: 'Last node', cell: (s) => s.lastRunNode || h('span', {class: 'muted', text: '—'})},
    {title: 'Runs', cell: (s) => String(s.runCount ?? 0)},
    {title: 'Actions', cell: (s) => h('div', {class: 'row-actions'},
      h('button', {type: 'button', class: 'small', text: 'Edit', 'aria-label': `Edit ${s.name}`, onclick: () => edit(s)}),
      h('button', {type: 'button', class: 'small', text: 'Run now', 'aria-label': `Run ${s.name} now`, onclick: (e) => runNow(s, e.currentTarget)}))},
  ];
  const schedules = table('Schedules', scheduleColumns);

  function redrawSchedule(s) {
    const tr = schedules.row(s.name);
    if (tr) fill(tr, scheduleColumns.map((c) => h('td', {dataset: {col: c.title}}, c.cell(s))));
  }

  async function loadSchedules() {
    try {
      const page = await api.get('/api/admin/schedules');
      schedules.clear();
      schedules.add(page.items, (s) => s.name);
      if (!page.items.length) schedules.body.append(h('tr', {}, h('td', {colspan: String(scheduleColumns.length), class: 'muted', text: 'No schedules.'})));
    } catch (e) {
      scheduleState.error(e);
    }
  }

  function edit(s) {
    const mode = s.cron ? 'cron' : 'interval';
    const byInterval = h('input', {type: 'radio', name: 'timing', value: 'interval', id: `timing-interval-${s.name}`, checked: mode === 'interval'});
    const byCron = h('input', {type: 'radio', name: 'timing', value: 'cron', id: `timing-cron-${s.name}`, checked: mode === 'cron'});
    const interval = field('Interval (seconds)', h('input', {type: 'number', min: '1', max: String(MAX_INTERVAL), step: '1', inputmode: 'numeric',
      name: 'intervalSeconds', value: s.intervalSeconds != null ? String(s.intervalSeconds) : ''}), `From 1 to ${MAX_INTERVAL} (31 days).`);
    const cron = field('Cron (UTC)', h('input', {type: 'text', name: 'cron', maxlength: '100', autocomplete: 'off', spellcheck: 'false',
      placeholder: '*/5 * * * *', value: s.cron || ''}), 'Five fields: minute hour day-of-month month day-of-week.');
    const enabled = checkbox('Enabled', {checked: s.enabled});
    const problem = status();
    const save = h('button', {type: 'submit', class: 'primary', text: 'Save'});
    const cancel = h('button', {type: 'button', text: 'Cancel'});
    const sync = () => {
      interval.control.disabled = !byInterval.checked;
      cron.control.disabled = !byCron.checked;
    };
    byInterval.addEventListener('change', sync);
    byCron.addEventListener('change', sync);
    sync();
    const form = h('form', {class: 'schedule-form', novalidate: true},
      h('fieldset', {class: 'timing-choice'}, h('legend', {text: 'Run'}),
        h('div', {class: 'check'}, byInterval, h('label', {for: byInterval.id, text: 'Every N seconds'})),
        h('div', {class: 'check'}, byCron, h('label', {for: byCron.id, text: 'On a cron schedule'}))),
      interval.el, cron.el, enabled.el, problem.el,
      h('div', {class: 'dialog-actions'}, cancel, save));
    const d = dialog(`Schedule ${s.name}`, form, {className: 'schedule-dialog'});
    cancel.addEventListener('click', () => d.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const change = {enabled: enabled.input.checked};
      for (const c of [interval.control, cron.control]) c.removeAttribute('aria-invalid');
      if (byInterval.checked) {
        const text = interval.control.value.trim();
        const n = Number(text);
        if (!/^\d+$/.test(text) || n < 1 || n > MAX_INTERVAL) {
          invalid(interval.control, `The interval must be a whole number of seconds from 1 to ${MAX_INTERVAL}.`);
          return;
        }
        if (n !== s.intervalSeconds) change.intervalSeconds = n;
      } else {
        const text = cron.control.value.trim().replace(/\s+/g, ' ');
        if (text.split(' ').length !== 5) {
          invalid(cron.control, 'A cron expression has five fields separated by spaces, e.g. "*/5 * * * *".');
          return;
        }
        if (text !== s.cron) change.cron = text;
      }
      save.disabled = true;
      problem.ok('Saving…');
      try {
        const updated = await api.patch(`/api/admin/schedules/${enc(s.name)}`, change);
        redrawSchedule(updated);
        scheduleState.ok(`${updated.name} saved${updated.enabled ? `; next run ${new Date(updated.nextRunAt).toLocaleString()}` : ' (disabled)'}.`);
        d.close();
      } catch (err) {
        const target = /^cron/.test(err.message) ? cron.control : /^interval/.test(err.message) ? interval.control : null;
        if (target) target.setAttribute('aria-invalid', 'true');
        problem.error(err.status === 400 ? `Not saved: ${err.message}` : err);
        save.disabled = false;
      }
    });

    function invalid(control, message) {
      control.setAttribute('aria-invalid', 'true');
      problem.error(message);
      control.focus();
    }
  }

  async function runNow(s, button) {
    button.disabled = true;
    try {
      const updated = await api.post(`/api/admin/schedules/${enc(s.name)}/run`);
      redrawSchedule(updated);
      scheduleState.ok(`${s.name} is due now; a node runs it within a moment.`);
      // its outcome shows once it ran
      later(loadSchedules, 2000);
    } catch (e) {
      scheduleState.error(e);
      button.disabled = false;
    }
  }

  // ---- background jobs
  const jobState = status();
  const statusSelect = field('Status', h('select', {name: 'status'}, STATUSES.map((v) => h('option', {value: v, text: v === 'all' ? 'All' : v}))));
  statusSelect.control.value = 'all';
  const reloadJobs = h('button', {type: 'button', class: 'small', text: 'Reload'});
  const jobColumns = [
    {title: 'Job', cell: (j) => h('div', {class: 'job-id'}, h('strong', {text: j.kind}), h('code', {text: j.id}))},
    {title: 'Status', cell: (j) => h('span', {class: `pill ${{done: 'on', failed: 'bad'}[j.status] || 'off'}`, dataset: {status: j.status}, text: j.status})},
    {title: 'Attempts', cell: (j) => `${j.attempts ?? 0} of ${j.maxAttempts ?? '?'}`},
    {title: 'Times', cell: (j) => h('dl', {class: 'job-times'},
      h('dt', {text: 'created'}), h('dd', {}, when(j.createdAt)),
      j.status === 'queued' ? [h('dt', {text: 'next try'}), h('dd', {}, when(j.nextAttemptAt))] : null,
      j.finishedAt ? [h('dt', {text: 'finished'}), h('dd', {}, when(j.finishedAt))] : null)},
    {title: 'Last error', cell: (j) => (j.lastError ? h('span', {class: 'job-error', text: j.lastError}) : h('span', {class: 'muted', text: '—'}))},
    {title: 'Payload', cell: (j) => h('pre', {class: 'json', text: JSON.stringify(j.payload ?? null, null, 2)})},
    {title: 'Actions', cell: (j) => (j.status === 'failed'
      ? h('button', {type: 'button', class: 'small', text: 'Retry', 'aria-label': `Retry job ${j.id}`, onclick: (e) => retry(j, e.currentTarget)})
      : h('span', {class: 'muted', text: '—'}))},
  ];
  const jobs = table('Background jobs', jobColumns);
  const jobCount = h('p', {class: 'muted', 'aria-live': 'polite'});
  let jobsShown = 0;
  const jobPages = pager(
    (cursor) => {
      const s = statusSelect.control.value;
      return api.get(`/api/admin/jobs${query({status: s === 'all' ? null : s, limit: PAGE_SIZE, cursor})}`);
    },
    (items, first) => {
      if (first) {
        jobs.clear();
        jobsShown = 0;
      }
      jobs.add(items, (j) => j.id);
      jobsShown += items.length;
      const s = statusSelect.control.value;
      fill(jobCount, jobsShown ? `${jobsShown} job${jobsShown === 1 ? '' : 's'} shown` : `No ${s === 'all' ? '' : `${s} `}jobs.`);
    });
  statusSelect.control.addEventListener('change', () => jobPages.reload());
  reloadJobs.addEventListener('click', () => jobPages.reload());

  async function retry(j, button) {
    button.disabled = true;
    try {
      const updated = await api.post(`/api/admin/jobs/${enc(j.id)}/retry`);
      const tr = jobs.row(j.id);
      if (tr) fill(tr, jobColumns.map((c) => h('td', {dataset: {col: c.title}}, c.cell(updated))));
      jobState.ok(`Job ${j.id} is queued again.`);
    } catch (e) {
      jobState.error(e.status === 409 ? `Job ${j.id} cannot be retried: ${e.message}` : e);
      button.disabled = false;
    }
  }

  const el = h('div', {class: 'admin-jobs'},
    h('section', {class: 'admin-section', 'aria-labelledby': 'schedules-title'},
      h('h2', {id: 'schedules-title', text: 'Schedules'}),
      h('p', {class: 'hint', text: 'Changes apply on every node without a restart; each tick runs on one node.'}),
      scheduleState.el,
      schedules.el),
    h('section', {class: 'admin-section', 'aria-labelledby': 'jobs-title'},
      h('h2', {id: 'jobs-title', text: 'Background jobs'}),
      h('div', {class: 'toolbar'}, statusSelect.el, reloadJobs),
      jobState.el,
      jobCount,
      jobs.el,
      jobPages.el));
  loadSchedules();
  jobPages.reload();

  return {
    el,
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

function timing(s) {
  if (s.cron) return h('span', {}, 'cron ', h('code', {text: s.cron}));
  if (s.intervalSeconds != null) return `every ${s.intervalSeconds} s`;
  return h('span', {class: 'muted', text: '—'});
}

function outcome(text) {
  if (!text) return h('span', {class: 'muted', text: '—'});
  // a task answers what it did; a failure is recorded as "error: …"
  return h('span', {class: /^error\b/i.test(text) ? 'outcome bad' : 'outcome', text});
}
