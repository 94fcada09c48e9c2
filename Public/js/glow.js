// The main calls to action answer a press with a short glow spreading from where
// they were pressed. Purely decorative: the press is never held back (no
// preventDefault, no delay), so links navigate exactly as without this file.
// The position goes in CSS custom properties through the CSSOM, which the strict
// CSP allows (it forbids only inline style attributes and elements).

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

function glow(element, x, y) {
  if (reducedMotion.matches) return;
  const box = element.getBoundingClientRect();
  element.style.setProperty('--glow-x', `${x - box.left}px`);
  element.style.setProperty('--glow-y', `${y - box.top}px`);
  element.style.setProperty('--glow-size', `${Math.ceil(Math.max(box.width, box.height) * 2.5)}px`);
  // Restarting the animation on a quick second press needs a style flush in between.
  element.classList.remove('is-glowing');
  void element.offsetWidth;
  element.classList.add('is-glowing');
}

document.addEventListener('pointerdown', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-glow]') : null;
  if (target) glow(target, event.clientX, event.clientY);
}, { passive: true });

// From the keyboard the glow starts at the centre.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const target = event.target instanceof Element ? event.target.closest('[data-glow]') : null;
  if (!target) return;
  const box = target.getBoundingClientRect();
  glow(target, box.left + box.width / 2, box.top + box.height / 2);
});

document.addEventListener('animationend', (event) => {
  if (event.animationName === 'cta-glow') event.target.classList.remove('is-glowing');
});
