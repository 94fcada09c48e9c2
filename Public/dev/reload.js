// Development only (`bmm serve`): reloads the page when a template, Markdown file or
// asset changes, and shows why when the files do not build. The base layout includes
// it only in development; it is never fingerprinted nor exported.

const script = document.querySelector('script[data-reload-events]');
const source = new EventSource(script.dataset.reloadEvents);
// The build this page came from: the first version the server reports.
let loadedVersion = null;
let overlay = null;

function showError(message) {
  if (!overlay) {
    overlay = document.createElement('dialog');
    overlay.setAttribute('aria-label', 'The site does not build');
    // CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
    Object.assign(overlay.style, {
      maxWidth: 'min(60rem, 95vw)',
      border: '2px solid #f87171',
      background: '#1a1014',
      color: '#fde2e2',
      font: '14px/1.5 ui-monospace, monospace',
      padding: '1rem 1.25rem',
    });
    const heading = document.createElement('strong');
    heading.textContent = 'The last change does not build; still serving the previous version.';
    const text = document.createElement('pre');
    text.style.whiteSpace = 'pre-wrap';
    text.style.margin = '0.75rem 0 0';
    overlay.append(heading, text);
    document.body.append(overlay);
  }
  overlay.querySelector('pre').textContent = message;
  if (!overlay.open) overlay.showModal();
}

function onEvent(event) {
  const { version, error } = JSON.parse(event.data);
  if (loadedVersion === null) loadedVersion = version;
  if (version !== loadedVersion) {
    window.location.reload();
    return;
  }
  if (error) showError(error);
}

source.addEventListener('version', onEvent);
source.addEventListener('failed', onEvent);
