// Wizard step 2: checks tool names, JSON Schemas and secret keys as you type,
// adds secret rows without a round trip, and checks everything again before
// Build so mistakes show next to their fields. The server re-checks all of it.
// Edits not yet posted are kept in this browser (never a secret's value), so a
// reload or a closed tab does not lose them.

// Read while the page starts (below), so declared before it.
const KEPT_PREFIX = 'bmm:review:';
const KEPT_DAYS = 7;

const form = document.getElementById('review-form');
if (form) init(form);

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const SECRET_KEY = /^[A-Z][A-Z0-9_]{0,63}$/;
const SCHEMA_CHILDREN = ['items', 'additionalProperties'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];

function init(form) {
  const keywords = new Set(form.dataset.keywords.split(' '));

  const checks = {
    'tool-name': (input) => {
      const title = form.querySelector(`[data-tool-title="${input.id.split('-')[1]}"]`);
      if (title) title.textContent = input.value;
      return TOOL_NAME.test(input.value.trim())
        ? ''
        : 'Use lowercase letters, digits and underscores, starting with a letter (at most 64).';
    },
    schema: (input) => schemaProblem(input.value, keywords),
    'secret-key': (input) => {
      const value = input.value.trim();
      if (!value) return '';
      return SECRET_KEY.test(value)
        ? ''
        : 'Use UPPER_SNAKE_CASE: capital letters, digits and underscores, starting with a letter.';
    },
  };

  function errorElement(input) {
    const id = input.getAttribute('aria-describedby')?.split(' ').find((part) => part.endsWith('error'));
    return id ? document.getElementById(id) : null;
  }

  function run(input) {
    const check = checks[input.dataset.check];
    if (!check) return '';
    const message = check(input);
    const target = errorElement(input);
    if (target) {
      target.textContent = message;
      target.hidden = !message;
    }
    setInvalid(input, Boolean(message));
    return message;
  }

  form.addEventListener('input', (event) => {
    const input = event.target;
    if (input.dataset.check === 'secret-key') {
      const caret = input.selectionStart;
      input.value = input.value.toUpperCase();
      input.setSelectionRange(caret, caret);
    }
    if (input.dataset.check) debouncedRun(input);
    // A "Fill in …" this script showed goes once the field has text.
    const target = input.required && input.value.trim() ? errorElement(input) : null;
    if (target?.dataset.required) {
      target.textContent = '';
      target.hidden = true;
      delete target.dataset.required;
      setInvalid(input, false);
    }
  });
  const timers = new WeakMap();
  function debouncedRun(input) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => run(input), 300));
  }

  const slug = form.querySelector('#slug');
  const slugError = form.querySelector('#slug-error');
  let slugTimer;
  slug.addEventListener('input', () => {
    clearTimeout(slugTimer);
    slugTimer = setTimeout(() => checkSlug(form.dataset.slugCheck, slug, slugError), 300);
  });

  const addButton = form.querySelector('#add-secret');
  // Here it adds a row in the page, so it need not submit. Without this script it posts, as it must (Enter in a
  // field still builds: the form's first submit button, which Enter uses, is a hidden Build).
  addButton.type = 'button';
  const rows = form.querySelector('#secret-rows');
  const count = form.querySelector('#secret-count');
  function addRow() {
    const index = Number(count.value);
    rows.append(secretRow(index));
    count.value = String(index + 1);
    return index;
  }
  addButton.addEventListener('click', (event) => {
    event.preventDefault();
    const index = addRow();
    rows.querySelector(`#secret-${index}-key`).focus();
  });

  const kept = keepEdits(form, count, addRow);

  form.addEventListener('submit', (event) => {
    // The server now holds what is posted (or starts again from the draft).
    if (event.submitter?.value === 'reset') kept.forget();
    if (event.submitter?.value !== 'build') return;
    const problems = [...form.querySelectorAll('[data-check]')].filter((input) => run(input));
    for (const field of form.querySelectorAll('[required]')) {
      if (!field.value.trim()) {
        // Said at the field, as the server says it without JavaScript: not only a red outline.
        const target = errorElement(field);
        if (target) {
          target.textContent = `Fill in ${fieldName(field)}.`;
          target.hidden = false;
          target.dataset.required = 'true';
        }
        setInvalid(field, true);
        problems.push(field);
      }
    }
    if (problems.length) {
      event.preventDefault();
      problems[0].focus();
      problems[0].scrollIntoView({ block: 'center' });
      return;
    }
    // A second click while saving would post twice; the button itself stays
    // enabled so the browser still sends its name and value.
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = 'true';
    // Kept, not forgotten, until the build is known to have happened: a post that meets an ended session or another
    // workspace comes back to this draft as it was, where the edits are offered again. After a build the draft holds
    // them itself, so the page's values no longer match what was kept and it is dropped then.
    // The server is told, so an ended session sends it to sign-in and back here rather than showing the form back.
    if (kept.keepNow?.()) {
      const marker = document.createElement('input');
      marker.type = 'hidden';
      marker.name = 'kept_in_browser';
      marker.value = '1';
      form.append(marker);
    }
    event.submitter.setAttribute('aria-busy', 'true');
    event.submitter.textContent = 'Saving…';
  });
}

/**
 * Keeps the form's unposted edits in localStorage under the draft's address and offers them back after a reload.
 * Only restored onto the same server-side draft they were made on (the page's own values when saved must match the
 * page's values now); secret values are never written.
 */
function keepEdits(form, count, addRow) {
  const key = KEPT_PREFIX + form.getAttribute('action');
  const serverRows = Number(count.value);
  const fields = () => [...form.elements].filter((element) =>
    element.name && !['hidden', 'password', 'submit', 'button'].includes(element.type) && element.tagName !== 'BUTTON');
  const current = (element) => (element.type === 'checkbox' ? element.checked : element.value);
  const initial = (element) => {
    if (element.type === 'checkbox') return element.defaultChecked;
    if (element.tagName === 'SELECT') {
      return ([...element.options].find((option) => option.defaultSelected) ?? element.options[0])?.value ?? '';
    }
    return element.defaultValue;
  };
  const set = (element, value) => {
    if (element.type === 'checkbox') element.checked = Boolean(value);
    else element.value = value;
  };
  const snapshot = (read) => Object.fromEntries(fields().map((element) => [element.name, read(element)]));
  const base = JSON.stringify(snapshot(initial));
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();
  const forget = () => {
    try {
      storage?.removeItem(key);
    } catch {
      // Storage unavailable: nothing was kept.
    }
  };
  if (!storage) return { forget };
  dropStale(storage);

  let timer;
  /** True when the edits are in storage (or there are none beyond the draft's own). */
  const save = () => {
    const values = snapshot(current);
    const rowsNow = Number(count.value);
    const unchanged = rowsNow === serverRows && JSON.stringify(values) === base;
    try {
      if (unchanged) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify({ base, values, rows: rowsNow, at: Date.now() }));
      return true;
    } catch {
      // Full or blocked storage: the form still works, only without the safety net.
      return false;
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  form.addEventListener('click', (event) => {
    // Removing an added secret row changes the form without an input event.
    if (event.target.closest?.('.secret-row button')) later();
  });

  let saved;
  try {
    saved = JSON.parse(storage.getItem(key) ?? 'null');
  } catch {
    saved = null;
  }
  const keepNow = () => {
    clearTimeout(timer);
    return save();
  };
  if (!saved || saved.base !== base || typeof saved.values !== 'object') {
    if (saved) forget();
    return { forget, keepNow };
  }
  while (Number(count.value) < Math.min(Number(saved.rows) || 0, 50)) addRow();
  for (const element of fields()) {
    if (Object.hasOwn(saved.values, element.name)) set(element, saved.values[element.name]);
  }
  for (const input of form.querySelectorAll('[data-tool-title]')) {
    const name = form.querySelector(`#tool-${input.dataset.toolTitle}-name`);
    if (name) input.textContent = name.value;
  }
  form.prepend(restoredNotice(saved.at, () => {
    for (const element of fields()) set(element, initial(element));
    for (const row of form.querySelectorAll('[data-secret-row]')) {
      if (Number(row.dataset.secretRow) >= serverRows) row.remove();
    }
    count.value = String(serverRows);
    forget();
  }));
  return { forget, keepNow };
}

/** "Restored …" with a button that puts the page back as the server sent it. */
function restoredNotice(at, discard) {
  const notice = document.createElement('div');
  notice.className = 'notice kept-edits';
  notice.setAttribute('role', 'status');
  const text = document.createElement('p');
  const when = new Date(Number(at) || Date.now()).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  text.textContent = `Your unsaved edits from ${when} were restored from this browser. Secret values are never kept: enter them again.`;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button-secondary button-sm';
  button.id = 'discard-kept-edits';
  button.textContent = 'Discard them';
  button.addEventListener('click', () => {
    discard();
    text.textContent = 'Discarded: the page shows the draft as it was saved.';
    button.remove();
  });
  notice.append(text, button);
  return notice;
}

/** Drops edits kept for drafts untouched for a week (drafts expire sooner). */
function dropStale(storage) {
  try {
    const cutoff = Date.now() - KEPT_DAYS * 24 * 3600 * 1000;
    for (let index = storage.length - 1; index >= 0; index -= 1) {
      const name = storage.key(index);
      if (!name?.startsWith(KEPT_PREFIX)) continue;
      let at = 0;
      try {
        at = Number(JSON.parse(storage.getItem(name))?.at) || 0;
      } catch {
        // Unreadable: dropped below.
      }
      if (at < cutoff) storage.removeItem(name);
    }
  } catch {
    // Storage unavailable.
  }
}

/** The first thing wrong with a schema text, in words; '' when it looks right. */
export function schemaProblem(text, keywords) {
  let schema;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return `This is not valid JSON: ${error.message}`;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return 'The input schema must be a JSON object.';
  }
  if (schema.type !== 'object') return 'The top level needs "type": "object": tools take named arguments.';
  return unsupported(schema, keywords, '');
}

function unsupported(schema, keywords, path) {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return '';
  for (const key of Object.keys(schema)) {
    if (!keywords.has(key)) return `${path || 'The schema'} uses “${key}”, which is not supported.`;
  }
  for (const [name, child] of Object.entries(schema.properties || {})) {
    const problem = unsupported(child, keywords, `properties.${name}`);
    if (problem) return problem;
  }
  for (const key of SCHEMA_CHILDREN) {
    const problem = unsupported(schema[key], keywords, `${path}${path ? '.' : ''}${key}`);
    if (problem) return problem;
  }
  for (const key of SCHEMA_LISTS) {
    for (const [index, child] of (schema[key] || []).entries()) {
      const problem = unsupported(child, keywords, `${key}[${index}]`);
      if (problem) return problem;
    }
  }
  return '';
}

function secretRow(index) {
  const row = document.createElement('fieldset');
  row.className = 'secret-row';
  row.dataset.secretRow = String(index);
  const field = (label, name, type, extra = {}) => {
    const wrapper = document.createElement('div');
    wrapper.className = extra.wide ? 'field field-wide' : 'field';
    const labelElement = document.createElement('label');
    labelElement.className = 'field-label';
    labelElement.htmlFor = `secret-${index}-${name}`;
    labelElement.textContent = label;
    const input = document.createElement('input');
    input.className = extra.mono ? 'field-input field-mono' : 'field-input';
    input.id = `secret-${index}-${name}`;
    input.name = `secret_${index}_${name}`;
    input.type = type;
    if (extra.check) {
      input.dataset.check = extra.check;
      input.setAttribute('aria-describedby', `secret-${index}-error`);
    }
    if (type === 'password') input.autocomplete = 'off';
    // As in the page's own rows: free text in any script, shown in its own direction.
    if (extra.text) {
      input.dir = 'auto';
      input.maxLength = 300;
    }
    wrapper.append(labelElement, input);
    return wrapper;
  };
  const legend = document.createElement('legend');
  legend.className = 'visually-hidden';
  legend.textContent = `Secret ${index + 1}`;
  const error = document.createElement('p');
  error.className = 'field-error';
  error.id = `secret-${index}-error`;
  error.hidden = true;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'button button-ghost button-sm';
  remove.textContent = 'Remove';
  remove.addEventListener('click', () => {
    // Focus goes to the button that adds a row back, not to the page's start with the row.
    row.closest('form')?.querySelector('#add-secret')?.focus();
    row.remove();
  });
  row.append(
    legend,
    field('Key', 'key', 'text', { mono: true, check: 'secret-key' }),
    field('Value', 'value', 'password'),
    field('What it is', 'description', 'text', { wide: true, text: true }),
    field('How to get one (link)', 'url', 'url', { wide: true }),
    remove,
    error,
  );
  return row;
}

async function checkSlug(url, input, status) {
  const value = input.value.trim().toLowerCase();
  if (!value) return;
  try {
    const response = await fetch(`${url}?slug=${encodeURIComponent(value)}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const body = await response.json();
    status.textContent = body.available ? '' : body.message;
    status.hidden = body.available;
    setInvalid(input, !body.available);
  } catch {
    // Offline: the server checks again on submit.
  }
}

// `aria-invalid=""` reads as false to assistive technology: the attribute is "true" or absent.
function setInvalid(input, invalid) {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// The field's label, as the person reads it ("Name", "Description of tool 1").
function fieldName(field) {
  const label = field.id ? document.querySelector(`label[for="${field.id}"]`) : null;
  return (label?.textContent || field.name || 'this field').trim();
}
