// A server's Overview and Logs tabs: Overview follows a running build's log live
// and reloads when it finishes (without this script the page refreshes itself while
// a build runs); Logs follows new calls. Both read one event stream format.

const page = document.getElementById('server-page');

// The page used to be one long scroll: a bookmarked `#secrets-title` now lives on its tab.
const anchor = location.hash.slice(1);
if (anchor && !document.getElementById(anchor)) {
  const tab = [...document.querySelectorAll('.server-tabs a[data-anchors]')].find((link) =>
    link.dataset.anchors.split(' ').includes(anchor),
  );
  if (tab) location.replace(`${tab.href}#${anchor}`);
}

if (page && page.dataset.building === 'true' && page.dataset.buildLog) watch(page.dataset.buildLog);

// Built from the wizard: the review form's edits it kept in this browser until the build was sure are done with.
// The review page posted here (through a redirect), so it is this navigation's referrer.
if (new URLSearchParams(location.search).get('from') === 'wizard') {
  try {
    const review = new URL(document.referrer);
    if (review.origin === location.origin) localStorage.removeItem(`bmm:review:${review.pathname}`);
  } catch {
    // No referrer or no storage: the review page drops the entry itself once it shows the built draft.
  }
}

// The wizard's "Share as template" box: its button says what it will do with the box as it is (unticked, the
// same button publishes nothing and only goes on to the server).
const share = document.getElementById('share-checkbox');
const shareSubmit = document.getElementById('share-submit');
if (share && shareSubmit) {
  const publishLabel = shareSubmit.textContent;
  const sync = () => {
    shareSubmit.textContent = share.checked ? publishLabel : 'Continue without sharing';
  };
  share.addEventListener('change', sync);
  sync();
}

// The person may be on their way to another page when the build ends: a reload then
// would take them back here instead, so it only happens while they stay.
let leaving = false;
addEventListener('beforeunload', () => {
  leaving = true;
});
addEventListener('pageshow', () => {
  leaving = false;
});

function showFinishedBuild() {
  if (!leaving) {
    window.location.reload();
    return;
  }
  // Still here a while later: that link was a download or opened another app.
  setTimeout(() => {
    leaving = false;
    showFinishedBuild();
  }, 5000);
}

/** The log over a WebSocket; where one cannot open, the same log as server-sent events. */
function watch(url) {
  let opened = false;
  let socket;
  try {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${url}/ws`);
  } catch {
    follow(url);
    return;
  }
  socket.addEventListener('open', () => {
    opened = true;
  });
  socket.addEventListener('message', (message) => {
    const payload = JSON.parse(message.data);
    if (payload.event === 'line') appendLine(payload);
    if (payload.event === 'done') showFinishedBuild();
  });
  socket.addEventListener('close', () => {
    if (!opened) follow(url);
  });
}

function appendLine(payload) {
  const log = document.getElementById('build-log');
  if (log.children.length >= payload.sequence) return;
  const item = document.createElement('li');
  item.className = `build-line build-line-${payload.level}`;
  item.textContent = payload.message;
  log.append(item);
}

/**
 * Reads a server-sent event stream and hands each event's type and parsed data to
 * `onEvent`; stops when it returns true or the stream ends.
 */
async function readEvents(url, onEvent) {
  const response = await fetch(url, { headers: { Accept: 'text/event-stream' } });
  if (!response.ok || !response.body) return false;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data && onEvent(type, JSON.parse(data))) {
        reader.cancel();
        return true;
      }
    }
  }
}

async function follow(url) {
  try {
    await readEvents(url, (type, payload) => {
      if (type === 'line') appendLine(payload);
      if (type !== 'done') return false;
      showFinishedBuild();
      return true;
    });
  } catch {
    // The no-JS refresh takes over on the next load.
  }
}

// The recent-calls table follows new calls live.
if (page && page.dataset.calls) tail(page.dataset.calls);

async function tail(url) {
  const body = document.getElementById('calls-body');
  const region = document.getElementById('calls-region');
  const live = document.getElementById('calls-live');
  try {
    live.hidden = false;
    await readEvents(url, (type, call) => {
      if (type !== 'call') return false;
      body.prepend(callRow(call));
      // The page stays as long as the server pages it: the rows pushed off are the next page's first.
      const perPage = Number(page.dataset.callsPerPage) || 25;
      while (body.rows.length > perPage) body.lastElementChild.remove();
      region.hidden = false;
      document.getElementById('calls-empty')?.remove();
      return false;
    });
  } catch {
    // Without the stream the table still shows the calls as of page load.
  } finally {
    live.hidden = true;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// As the server writes the rows it renders (TimeText.logRow): "7 Dec 09:15:02", in UTC like the column's header.
function rowTime(at) {
  const date = new Date(at);
  const two = (n) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

function callRow(call) {
  const row = document.createElement('tr');
  const cells = [
    rowTime(call.at),
    call.tool,
    call.outcome,
    `${call.durationMilliseconds.toFixed(1)} ms`,
    call.error || '',
  ];
  cells.forEach((text, index) => {
    const cell = document.createElement('td');
    if (index === 2) {
      const badge = document.createElement('span');
      badge.className = `badge ${call.outcome === 'ok' ? 'status-active' : 'status-failed'}`;
      badge.textContent = text;
      cell.append(badge);
    } else if (index === 1) {
      const code = document.createElement('code');
      code.textContent = text;
      cell.append(code);
    } else {
      cell.textContent = text;
      if (index === 4) cell.className = 'cell-text';
    }
    row.append(cell);
  });
  return row;
}
