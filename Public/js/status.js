// Re-probes the health endpoint on the status page and updates the server-rendered
// snapshot in place. Without this script the page still shows that snapshot.

const root = document.querySelector('[data-probe]');

const SUMMARY_OK = 'All systems operational';
const SUMMARY_DOWN = 'Some systems are unavailable';
const SUMMARY_UNREACHABLE = 'Cannot reach the server';

function formatTime(date) {
  try {
    return new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'medium',
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

function setText(element, text) {
  // Only touch the DOM on change so the aria-live summary is announced once per change.
  if (element && element.textContent !== text) element.textContent = text;
}

function setState(element, state) {
  if (!element) return;
  element.classList.toggle('is-ok', state === 'ok');
  element.classList.toggle('is-down', state === 'down');
  element.classList.toggle('is-unknown', state === 'unknown');
}

function lookupCheck(checks, name) {
  if (!checks || typeof checks !== 'object') return undefined;
  if (Object.hasOwn(checks, name)) return checks[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(checks).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : checks[key];
}

function describeCheck(check) {
  if (check.ok) {
    return typeof check.latencyMs === 'number' ? `Responded in ${Math.round(check.latencyMs)} ms` : 'Running';
  }
  return typeof check.error === 'string' && check.error !== '' ? check.error : 'Not responding';
}

function renderTime(timeElement, date) {
  if (!timeElement || Number.isNaN(date.getTime())) return;
  timeElement.dateTime = date.toISOString();
  setText(timeElement, formatTime(date));
}

function start(container) {
  const banner = container.querySelector('[data-status-banner]');
  const summary = container.querySelector('[data-status-summary]');
  const time = container.querySelector('[data-checked-at]');
  const note = container.querySelector('[data-status-note]');
  const seconds = Math.max(5, Number.parseInt(container.dataset.pollSeconds ?? '', 10) || 10);
  let timer = 0;
  let inFlight = false;

  if (time) renderTime(time, new Date(time.getAttribute('datetime') ?? ''));
  setText(note, `Checks run again every ${seconds} seconds while this page is open.`);

  function apply(data) {
    const healthy = data.status === 'ok';
    setState(banner, healthy ? 'ok' : 'down');
    setText(summary, healthy ? SUMMARY_OK : SUMMARY_DOWN);
    note?.classList.remove('is-error');
    setText(note, `Checks run again every ${seconds} seconds while this page is open.`);

    for (const row of container.querySelectorAll('[data-check]')) {
      const check = lookupCheck(data.checks, row.dataset.check ?? '');
      if (!check) continue;
      const ok = check.ok === true;
      setState(row, ok ? 'ok' : 'down');
      setText(row.querySelector('[data-check-state]'), ok ? 'OK' : 'Failed');
      setText(row.querySelector('[data-check-detail]'), describeCheck(check));
    }
    renderTime(time, data.checkedAt ? new Date(data.checkedAt) : new Date());
  }

  function unreachable() {
    setState(banner, 'unknown');
    setText(summary, SUMMARY_UNREACHABLE);
    note?.classList.add('is-error');
    setText(note, `Cannot reach the server. Retrying every ${seconds} seconds; the results above may be out of date.`);
  }

  async function probe() {
    if (inFlight) return;
    inFlight = true;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), Math.min(seconds, 8) * 1000);
    try {
      const response = await fetch(container.dataset.probe, {
        cache: 'no-store',
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        signal: controller.signal,
      });
      // An unhealthy server answers 503 with the same JSON body, so parse regardless of status.
      const data = await response.json();
      if (!data || typeof data.status !== 'string') throw new Error('unexpected body');
      apply(data);
    } catch {
      unreachable();
    } finally {
      clearTimeout(timeout);
      inFlight = false;
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = setInterval(probe, seconds * 1000);
  }

  // Polling a hidden tab wastes requests; catch up as soon as it is visible again.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearInterval(timer);
    } else {
      probe();
      schedule();
    }
  });

  schedule();
}

if (root && 'fetch' in window) start(root);
