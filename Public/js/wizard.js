// Wizard step 1: blocks pasted secrets before anything is sent (the same pattern
// list the server enforces), streams the draft live with an elapsed-time counter,
// and checks the slug while typing. Without this script the form posts and the
// server drafts in one piece.

const form = document.getElementById('wizard-form');
if (form) init(form);

function init(form) {
  const prompt = form.querySelector('#prompt');
  const name = form.querySelector('#name');
  const slug = form.querySelector('#slug');
  const promptError = form.querySelector('#prompt-error');
  const slugStatus = form.querySelector('#slug-status');
  const button = form.querySelector('#draft-button');
  const live = document.getElementById('draft-live');
  const output = document.getElementById('draft-output');
  const statusText = document.getElementById('draft-status-text');
  const elapsed = document.getElementById('draft-elapsed');
  const offline = form.dataset.offline === 'true';
  const patterns = loadPatterns(form.dataset.patterns);

  for (const link of document.querySelectorAll('[data-example]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      prompt.value = link.dataset.example;
      prompt.focus();
      checkSecrets();
    });
  }

  async function checkSecrets() {
    const list = await patterns;
    const hit = findSecret(list, prompt.value) || findSecret(list, name.value);
    showError(hit ? secretMessage(hit) : '');
    return !hit;
  }

  function showError(message) {
    promptError.textContent = message;
    promptError.hidden = !message;
    if (message) prompt.setAttribute('aria-invalid', 'true');
    else prompt.removeAttribute('aria-invalid');
  }

  prompt.addEventListener('input', debounce(checkSecrets, 250));
  name.addEventListener('input', debounce(checkSecrets, 250));
  slug.addEventListener('input', debounce(() => checkSlug(form.dataset.slugCheck, slug, slugStatus), 300));

  // While a draft streams the button says so (aria-disabled) but keeps focus: a disabled button
  // drops it to the page's start. A second press does nothing.
  let drafting = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (drafting) return;
    if (!(await checkSecrets())) {
      prompt.focus();
      return;
    }
    if (!prompt.value.trim()) {
      showError('Describe the server you want in a sentence or two.');
      prompt.focus();
      return;
    }
    if (!window.ReadableStream || !window.TextDecoder) {
      form.submit();
      return;
    }
    drafting = true;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    live.hidden = false;
    output.textContent = '';
    statusText.textContent = offline
      ? 'The offline drafter is assembling your server…'
      : `${form.dataset.drafter} is drafting…`;
    const started = Date.now();
    elapsed.textContent = '0 s';
    const timer = setInterval(() => {
      elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`;
    }, 1000);
    try {
      const result = await streamDraft(form, output);
      if (result.fallback) {
        form.submit();
        return;
      }
      if (result.signIn) {
        // The session ended: sign in again and come back to this step with the description filled in.
        statusText.textContent = 'Your session ended. Opening sign-in…';
        const back = `${location.pathname}?prompt=${encodeURIComponent(prompt.value)}`;
        window.location.assign(`/login?next=${encodeURIComponent(back)}`);
        return;
      }
      if (result.error) {
        showError(result.error);
        live.hidden = true;
        prompt.focus();
        return;
      }
      statusText.textContent = 'Draft ready. Opening the review…';
      window.location.assign(`${form.action}/${String(result.spec.previewId).toLowerCase()}`);
    } catch {
      showError('The connection was lost while drafting. Check your network and try again.');
      live.hidden = true;
      prompt.focus();
    } finally {
      clearInterval(timer);
      drafting = false;
      button.removeAttribute('aria-disabled');
      button.removeAttribute('aria-busy');
    }
  });
}

/** Posts the form as JSON and reads the server-sent events until `spec` or `error`. */
async function streamDraft(form, output) {
  const data = new FormData(form);
  const response = await fetch(form.dataset.stream, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
      'X-CSRF-Token': data.get('csrf'),
    },
    body: JSON.stringify({ prompt: data.get('prompt'), name: data.get('name'), slug: data.get('slug') }),
  });
  if (response.status === 401) return { signIn: true };
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    if (body.error === 'streaming_unavailable') return { fallback: true };
    return { error: body.message || `Drafting failed (HTTP ${response.status}). Try again.` };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (!event) continue;
      if (event.type === 'text') {
        output.textContent += event.data.delta;
        output.scrollTop = output.scrollHeight;
      } else if (event.type === 'spec') {
        return { spec: event.data };
      } else if (event.type === 'error') {
        return { error: event.data.message };
      }
    }
  }
  return { error: 'The draft ended before it was complete. Try again.' };
}

function parseEvent(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  try {
    return { type, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}

async function loadPatterns(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) return [];
    const body = await response.json();
    return body.patterns.map((entry) => ({ label: entry.label, expression: new RegExp(entry.pattern) }));
  } catch {
    return [];
  }
}

function findSecret(patterns, text) {
  return patterns.find((entry) => entry.expression.test(text)) || null;
}

function secretMessage(hit) {
  return `This looks like a ${hit.label}. Never paste keys into the description: you enter secrets in the next step, where they are stored encrypted.`;
}

async function checkSlug(url, input, status) {
  const value = input.value.trim().toLowerCase();
  if (!value) {
    // Cleared: the hint the page came with, not the last answer ("Taken: …") about a slug no longer there.
    input.removeAttribute('aria-invalid');
    if (status.dataset.hint === undefined) return;
    status.textContent = status.dataset.hint;
    return;
  }
  if (status.dataset.hint === undefined) status.dataset.hint = status.textContent;
  try {
    const response = await fetch(`${url}?slug=${encodeURIComponent(value)}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const body = await response.json();
    status.textContent = body.message;
    status.hidden = false;
    // "true" or absent: an empty aria-invalid reads as false.
    if (body.available) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
  } catch {
    // Offline: the server checks again on submit.
  }
}

function debounce(action, wait) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), wait);
  };
}
