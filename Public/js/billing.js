// The billing page's enhancement: with a publishable key configured, the upgrade buttons open Stripe's embedded
// Checkout in an in-page dialog instead of posting to the hosted page. Stripe.js is loaded from the configured URL
// only here, when first needed. Without JavaScript, or without a key, the same buttons post and redirect.

const list = document.querySelector('[data-billing-checkout][data-stripe-js]');
const dialog = document.querySelector('[data-checkout-dialog]');

const friendly = {
  stripe_unavailable: 'Stripe, our payment provider, is not answering right now. Try again in a few minutes.',
  already_subscribed: 'This workspace already has a subscription. Reload the page to change its plan.',
};

let stripeLoading = null;
let checkout = null;

function loadStripe(url) {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  if (!stripeLoading) {
    stripeLoading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.addEventListener('load', () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('no Stripe'))));
      script.addEventListener('error', () => {
        stripeLoading = null;
        reject(new Error('Stripe.js did not load'));
      });
      document.head.appendChild(script);
    });
  }
  return stripeLoading;
}

function showError(message) {
  const box = dialog.querySelector('[data-checkout-error]');
  box.textContent = message;
  box.hidden = false;
}

function requestId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return String(Date.now()) + '-' + String(Math.random()).slice(2, 10);
}

async function fetchClientSecret(form) {
  const data = new FormData(form);
  const response = await fetch(list.dataset.sessionApi, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': data.get('csrf') },
    body: JSON.stringify({ plan: data.get('plan'), interval: data.get('interval'), ui: 'embedded', requestId: requestId() }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || typeof answer.clientSecret !== 'string') {
    throw new Error(friendly[answer.error] || answer.message || 'Checkout could not be opened. Try again.');
  }
  return answer.clientSecret;
}

function closeCheckout() {
  if (checkout) {
    checkout.destroy();
    checkout = null;
  }
}

async function open(form) {
  closeCheckout();
  const box = dialog.querySelector('[data-checkout-error]');
  box.hidden = true;
  box.textContent = '';
  dialog.showModal();
  try {
    const Stripe = await loadStripe(list.dataset.stripeJs);
    const stripe = Stripe(list.dataset.publishableKey);
    const created = await stripe.createEmbeddedCheckoutPage({ fetchClientSecret: () => fetchClientSecret(form) });
    if (!dialog.open) {
      created.destroy();
      return;
    }
    checkout = created;
    checkout.mount('[data-checkout-mount]');
  } catch (error) {
    showError(error instanceof Error && error.message ? error.message : 'Checkout could not be opened. Try again.');
  }
}

if (list && dialog && typeof dialog.showModal === 'function') {
  list.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    event.preventDefault();
    open(form);
  });
  dialog.querySelector('[data-checkout-close]').addEventListener('click', () => dialog.close());
  // Escape closes a modal dialog by itself; either way the checkout is destroyed.
  dialog.addEventListener('close', closeCheckout);
}
