// Site-wide enhancements. Every page works without this file; it only adds the
// offline fallback (service worker), a live status dot, a tidier mobile menu, the
// current page tab scrolled into view and copy buttons on code.

const READY_URL = '/readyz';
const SERVICE_WORKER_URL = '/sw.js';

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // Registering after load keeps the worker's precache downloads off the critical path.
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(SERVICE_WORKER_URL).catch(() => {
      // Static exports and some hosts do not serve /sw.js; the site works without it.
    });
  });
}

const STATUS_CACHE_KEY = 'bmm:status';
const STATUS_CACHE_MS = 60_000;

function showStatus(badge, status) {
  const label = badge.querySelector('.status-text');
  if (status === 'ok') {
    badge.dataset.state = 'ok';
    if (label) label.textContent = 'All systems normal';
  } else if (status === 'unavailable') {
    badge.dataset.state = 'down';
    if (label) label.textContent = 'Service disruption';
  }
}

function cachedStatus() {
  try {
    const cached = JSON.parse(sessionStorage.getItem(STATUS_CACHE_KEY) ?? 'null');
    return cached && Date.now() - cached.at < STATUS_CACHE_MS ? cached.status : null;
  } catch {
    return null;
  }
}

async function updateStatusBadge() {
  const badge = document.querySelector('.status-badge');
  if (!badge || !('fetch' in window)) return;
  // One probe per minute per tab is plenty for a footer badge.
  const cached = cachedStatus();
  if (cached) {
    showStatus(badge, cached);
    return;
  }
  try {
    const response = await fetch(READY_URL, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const body = await response.json();
    if (body.status !== 'ok' && body.status !== 'unavailable') return;
    showStatus(badge, body.status);
    try {
      sessionStorage.setItem(STATUS_CACHE_KEY, JSON.stringify({ status: body.status, at: Date.now() }));
    } catch {
      // Storage can be disabled; the badge still works, it just probes more often.
    }
  } catch {
    // Offline, static export or a non-JSON answer: keep the neutral "System status" badge.
  }
}

// The disclosure menus (the phone navigation and the account menu) close with Escape, a click
// elsewhere, or when focus moves on past them: an open panel would cover what Tab reaches next.
function enhanceMenu() {
  for (const menu of document.querySelectorAll('details.nav-menu, details.user-menu')) enhanceDisclosure(menu);
  // The navigation menu only exists below the desktop breakpoint; close it if the window grows.
  const navigation = document.querySelector('details.nav-menu');
  const desktop = window.matchMedia('(min-width: 800px)');
  desktop.addEventListener?.('change', (event) => {
    if (event.matches && navigation) navigation.open = false;
  });
}

function enhanceDisclosure(menu) {
  const summary = menu.querySelector('summary');
  const sync = () => summary?.setAttribute('aria-expanded', String(menu.open));
  sync();
  menu.addEventListener('toggle', sync);

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.open) {
      menu.open = false;
      summary?.focus();
    }
  });
  document.addEventListener('click', (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  menu.addEventListener('focusout', (event) => {
    if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
  });
}

// Public pages are identical for everyone (cached, exported), so the header asks
// who is signed in. The `bmm_hint` cookie (no secret in it) says whether asking
// is worth a request at all; the answer comes from the HttpOnly session.
async function showAccount() {
  const actions = document.querySelector('.header-actions[data-me]');
  if (!actions || !document.cookie.split('; ').some((cookie) => cookie === 'bmm_hint=1')) return;
  try {
    const response = await fetch(actions.dataset.me, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) return;
    for (const link of actions.querySelectorAll('[data-signed-out]')) link.hidden = true;
    for (const link of actions.querySelectorAll('[data-signed-in]')) link.hidden = false;
  } catch {
    // Offline or a static host without the app: keep the signed-out links.
  }
}

// A row of page tabs (a server's page) scrolls sideways on a phone: bring the
// current tab into view, without moving the page itself, and mark which edges
// have more tabs beyond them (the CSS fades those edges).
function revealCurrentTab() {
  for (const row of document.querySelectorAll('.server-tabs')) {
    const current = row.querySelector('[aria-current="page"]');
    if (current && row.scrollWidth > row.clientWidth) {
      const box = row.getBoundingClientRect();
      const tab = current.getBoundingClientRect();
      row.scrollLeft += tab.left - box.left - (row.clientWidth - tab.width) / 2;
    }
    const mark = () => {
      const start = row.scrollLeft > 1;
      const end = row.scrollLeft + row.clientWidth < row.scrollWidth - 1;
      if (start && end) row.dataset.more = 'both';
      else if (start) row.dataset.more = 'start';
      else if (end) row.dataset.more = 'end';
      else delete row.dataset.more;
    };
    mark();
    row.addEventListener('scroll', mark, { passive: true });
    window.addEventListener('resize', mark);
  }
}

/* ---------- Announcements ---------- */

let liveRegion;
// Made when the page gets something to announce later (copy buttons): a region added and filled
// at the same moment is often missed by screen readers, so the first "Copied" would be.
function ensureLiveRegion() {
  if (!liveRegion) {
    liveRegion = document.createElement('p');
    liveRegion.className = 'visually-hidden';
    liveRegion.setAttribute('aria-live', 'polite');
    document.body.append(liveRegion);
  }
  return liveRegion;
}

function announce(message) {
  ensureLiveRegion();
  // Clearing first makes screen readers repeat an identical message.
  liveRegion.textContent = '';
  setTimeout(() => {
    liveRegion.textContent = message;
  }, 50);
}

/* ---------- Copy buttons ---------- */

function copyWithSelection(text) {
  const scratch = document.createElement('textarea');
  scratch.value = text;
  scratch.setAttribute('readonly', '');
  scratch.className = 'visually-hidden';
  document.body.append(scratch);
  scratch.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  scratch.remove();
  return copied;
}

async function copyText(text) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Fall through: some browsers refuse the async API on plain http.
    }
  }
  return copyWithSelection(text);
}

// On the docs' code blocks and on any `pre[data-copy]` elsewhere (install snippets, a new token).
function addCopyButtons() {
  for (const code of document.querySelectorAll('.prose pre > code, pre[data-copy] > code')) {
    const pre = code.parentElement;
    if (!pre || pre.parentElement?.classList.contains('code-block') || pre.parentElement?.classList.contains('copy-wrap')) continue;

    // A block styled on its own (an install snippet, a token) keeps its look; the docs' blocks get theirs.
    const wrapper = document.createElement('div');
    wrapper.className = pre.hasAttribute('data-copy') ? 'copy-wrap' : 'code-block';
    pre.before(wrapper);
    wrapper.append(pre);

    ensureLiveRegion();
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    // Several blocks on one page (install snippets) each say what they copy: "Copy the Cursor snippet".
    button.setAttribute('aria-label', pre.dataset.copy ? `Copy ${pre.dataset.copy}` : 'Copy code to clipboard');
    let reset = 0;
    button.addEventListener('click', async () => {
      const ok = await copyText(code.textContent ?? '');
      clearTimeout(reset);
      if (ok) {
        button.textContent = 'Copied';
        button.dataset.copied = '';
        announce('Copied');
      } else {
        button.textContent = 'Press Ctrl+C';
        announce('Copy failed. Select the code and press Control C.');
      }
      reset = setTimeout(() => {
        button.textContent = 'Copy';
        delete button.dataset.copied;
      }, 2000);
    });
    wrapper.append(button);
  }
}

registerServiceWorker();
addCopyButtons();
enhanceMenu();
revealCurrentTab();
updateStatusBadge();
showAccount();
