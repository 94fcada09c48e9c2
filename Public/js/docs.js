// Documentation enhancements: client-side search over the JSON index (works in the
// static export too) and the active on-page TOC entry. Copy buttons come from site.js.

const MAX_RESULTS = 10;
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

/* ---------- Search ---------- */

function normalise(text) {
  return String(text ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

function prepare(index) {
  const pages = Array.isArray(index?.pages) ? index.pages : [];
  return pages
    .filter((page) => typeof page?.u === 'string' && typeof page?.t === 'string')
    .map((page) => {
      const headings = Array.isArray(page.h) ? page.h.map(String) : [];
      const anchors = Array.isArray(page.a) && page.a.length === headings.length ? page.a.map(String) : [];
      return {
        title: page.t,
        description: typeof page.d === 'string' ? page.d : '',
        url: page.u,
        section: typeof page.s === 'string' ? page.s : '',
        headings,
        anchors,
        titleKey: normalise(page.t),
        headingKeys: headings.map(normalise),
        descriptionKey: normalise(page.d),
        sectionKey: normalise(page.s),
      };
    });
}

// Every term must match somewhere; a title hit outweighs a heading hit, which
// outweighs a description hit. Whole-phrase and prefix hits earn a bonus.
function score(page, terms, phrase) {
  let total = 0;
  let matchedHeading = '';
  let matchedAnchor = '';
  for (const term of terms) {
    let best = 0;
    if (page.titleKey.includes(term)) {
      best = page.titleKey.startsWith(term) || page.titleKey.includes(` ${term}`) ? 12 : 10;
    }
    const headingIndex = page.headingKeys.findIndex((heading) => heading.includes(term));
    if (headingIndex !== -1) {
      if (best < 5) best = 5;
      // Show the heading only when it explains the match better than the title does.
      if (!matchedHeading && !page.titleKey.includes(term)) {
        matchedHeading = page.headings[headingIndex];
        matchedAnchor = page.anchors[headingIndex] ?? '';
      }
    }
    if (best < 2 && page.descriptionKey.includes(term)) best = 2;
    if (best < 1 && page.sectionKey.includes(term)) best = 1;
    if (best === 0) return null;
    total += best;
  }
  if (terms.length > 1) {
    if (page.titleKey.includes(phrase)) total += 20;
    else if (page.headingKeys.some((heading) => heading.includes(phrase))) total += 8;
  }
  if (page.titleKey === phrase) total += 30;
  // A hit on a heading opens the page at that heading.
  const url = matchedAnchor ? `${page.url}#${encodeURIComponent(matchedAnchor)}` : page.url;
  return { page, score: total, heading: matchedHeading, url };
}

function search(pages, query) {
  const phrase = normalise(query).trim().replace(/\s+/g, ' ');
  if (!phrase) return [];
  const terms = [...new Set(phrase.split(' '))];
  const hits = [];
  for (const page of pages) {
    const hit = score(page, terms, phrase);
    if (hit) hits.push(hit);
  }
  hits.sort((a, b) => b.score - a.score || a.page.title.length - b.page.title.length);
  return hits.slice(0, MAX_RESULTS);
}

function isSafeURL(url) {
  return url.startsWith('/') || /^https?:\/\//i.test(url);
}

function initSearch(root) {
  const input = root.querySelector('input.docs-search-input');
  const list = root.querySelector('[role="listbox"]');
  const status = root.querySelector('[data-search-status]');
  if (!input || !list) return;
  root.hidden = false;

  let pages = null;
  let loading = null;
  let results = [];
  let active = -1;

  function load() {
    if (pages) return Promise.resolve(pages);
    if (!loading) {
      loading = fetch(root.dataset.index, { headers: { Accept: 'application/json' } })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        })
        .then((index) => {
          pages = prepare(index);
          return pages;
        })
        .catch((error) => {
          loading = null;
          throw error;
        });
    }
    return loading;
  }

  function setOpen(open) {
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (!open) setActive(-1);
  }

  function setActive(next) {
    const options = list.querySelectorAll('[role="option"]');
    active = next;
    options.forEach((option, position) => {
      option.setAttribute('aria-selected', String(position === active));
    });
    if (active >= 0 && options[active]) {
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function message(text) {
    list.replaceChildren();
    const item = document.createElement('li');
    item.className = 'docs-search-empty';
    item.setAttribute('role', 'presentation');
    item.textContent = text;
    list.append(item);
    results = [];
    setOpen(true);
  }

  function render(query) {
    if (!query.trim()) {
      list.replaceChildren();
      results = [];
      setOpen(false);
      if (status) status.textContent = '';
      return;
    }
    results = search(pages ?? [], query).filter((hit) => isSafeURL(hit.page.url));
    if (results.length === 0) {
      message('No results');
      if (status) status.textContent = 'No results';
      return;
    }
    list.replaceChildren(
      ...results.map((hit, position) => {
        const option = document.createElement('li');
        option.id = `docs-search-option-${position}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');

        // An option holds no link of its own (interactive content may not nest in an option): the box's
        // Enter and a click on the option both open the page.
        const link = document.createElement('span');
        link.className = 'result-link';

        const title = document.createElement('span');
        title.className = 'result-title';
        title.textContent = hit.page.title;
        link.append(title);

        const meta = [hit.page.section, hit.heading].filter(Boolean).join(' › ');
        if (meta) {
          const metaLine = document.createElement('span');
          metaLine.className = 'result-meta';
          metaLine.textContent = meta;
          link.append(metaLine);
        }
        if (hit.page.description) {
          const description = document.createElement('span');
          description.className = 'result-desc';
          description.textContent = hit.page.description;
          link.append(description);
        }
        option.append(link);
        option.addEventListener('mousemove', () => {
          if (active !== position) setActive(position);
        });
        option.addEventListener('click', () => window.location.assign(hit.url));
        return option;
      }),
    );
    setOpen(true);
    setActive(-1);
    if (status) status.textContent = `${results.length} result${results.length === 1 ? '' : 's'}`;
  }

  function update() {
    const query = input.value;
    if (pages) {
      render(query);
      return;
    }
    if (query.trim()) message('Loading…');
    load()
      .then(() => {
        if (input.value === query) render(query);
      })
      .catch(() => {
        if (input.value.trim()) message('Search is unavailable right now');
      });
  }

  input.addEventListener('focus', () => {
    load().catch(() => {});
    if (input.value.trim() && list.hidden) update();
  });
  input.addEventListener('input', update);

  input.addEventListener('keydown', (event) => {
    switch (event.key) {
      case 'ArrowDown':
        if (list.hidden && input.value.trim()) update();
        if (results.length) {
          event.preventDefault();
          setActive(active >= results.length - 1 ? 0 : active + 1);
        }
        break;
      case 'ArrowUp':
        if (results.length) {
          event.preventDefault();
          setActive(active <= 0 ? results.length - 1 : active - 1);
        }
        break;
      case 'Enter': {
        const hit = results[active >= 0 ? active : 0];
        if (hit && !list.hidden) {
          event.preventDefault();
          window.location.assign(hit.url);
        }
        break;
      }
      case 'Escape':
        if (!list.hidden) {
          event.preventDefault();
          setOpen(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = '';
          render('');
        } else {
          input.blur();
        }
        break;
      default:
        break;
    }
  });

  document.addEventListener('click', (event) => {
    if (!root.contains(event.target)) setOpen(false);
  });

  // "/" jumps to the search box, as on most documentation sites.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, select'))) return;
    event.preventDefault();
    input.focus();
  });
}

/* ---------- Table of contents ---------- */

function initTOC() {
  const links = [...document.querySelectorAll('.docs-toc a[href^="#"]')];
  if (links.length === 0 || !('IntersectionObserver' in window)) return;

  const entries = links
    .map((link) => {
      const id = decodeURIComponent(link.getAttribute('href').slice(1));
      const heading = document.getElementById(id);
      return heading ? { link, heading } : null;
    })
    .filter(Boolean);
  if (entries.length === 0) return;

  const visible = new Set();
  let current = null;

  function activate(entry) {
    if (entry === current) return;
    current?.link.classList.remove('is-active');
    current?.link.removeAttribute('aria-current');
    current = entry;
    if (!entry) return;
    entry.link.classList.add('is-active');
    entry.link.setAttribute('aria-current', 'location');
    const toc = entry.link.closest('.docs-toc');
    if (toc && toc.scrollHeight > toc.clientHeight) {
      const linkBox = entry.link.getBoundingClientRect();
      const tocBox = toc.getBoundingClientRect();
      if (linkBox.top < tocBox.top || linkBox.bottom > tocBox.bottom) {
        toc.scrollTo({
          top: toc.scrollTop + linkBox.top - tocBox.top - tocBox.height / 2,
          behavior: reducedMotion.matches ? 'auto' : 'smooth',
        });
      }
    }
  }

  function pick() {
    // The first heading inside the reading band wins; otherwise the last one above it.
    const inBand = entries.find((entry) => visible.has(entry.heading));
    if (inBand) {
      activate(inBand);
      return;
    }
    const bandTop = 96;
    let above = null;
    for (const entry of entries) {
      if (entry.heading.getBoundingClientRect().top < bandTop) above = entry;
      else break;
    }
    activate(above ?? null);
  }

  const observer = new IntersectionObserver(
    (changes) => {
      for (const change of changes) {
        if (change.isIntersecting) visible.add(change.target);
        else visible.delete(change.target);
      }
      pick();
    },
    { rootMargin: '-72px 0px -65% 0px', threshold: 0 },
  );
  for (const entry of entries) observer.observe(entry.heading);
}

/* ---------- Start ---------- */

for (const root of document.querySelectorAll('.docs-search[data-index]')) initSearch(root);
initTOC();
