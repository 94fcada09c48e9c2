// A stand-in for Stripe.js (the `endive` release) with just the embedded Checkout API the billing page uses, for
// browser tests against the `fake-stripe` server. Like the real one it is a classic script that defines
// `window.Stripe`; `Stripe(publishableKey)` answers an object whose `createEmbeddedCheckoutPage({fetchClientSecret})`
// resolves to a checkout with `mount(selectorOrElement)`, `unmount()` and `destroy()`. Stripe renamed
// `initEmbeddedCheckout` to `createEmbeddedCheckoutPage` in 2026-03-25.dahlia and the old name throws an
// IntegrationError since; the fake does the same, so a page calling the old name fails here as it would there.
// Where the real one mounts Stripe's iframe, the fake renders an element that shows the client secret it was given
// and a Pay button: a form posting to the fake's hosted Checkout path, which completes the session and redirects to
// its return_url, as paying inside the real iframe does.
(function () {
  'use strict';

  // The fake server that served this script, where the Pay form posts.
  var origin = document.currentScript && document.currentScript.src ? new URL(document.currentScript.src).origin : '';

  function integrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function resolveTarget(target) {
    var element = typeof target === 'string' ? document.querySelector(target) : target;
    if (!element || typeof element.appendChild !== 'function') {
      throw integrationError('mount(): the selector or element does not name an element on the page.');
    }
    return element;
  }

  function EmbeddedCheckout(clientSecret) {
    this.clientSecret = clientSecret;
    this.node = null;
    this.destroyed = false;
  }

  EmbeddedCheckout.prototype.mount = function (target) {
    if (this.destroyed) throw integrationError('This embedded Checkout was destroyed; create a new one.');
    if (this.node) throw integrationError('This embedded Checkout is already mounted.');
    var container = resolveTarget(target);
    var node = document.createElement('div');
    node.className = 'fake-stripe-checkout';
    node.setAttribute('data-fake-stripe-checkout', '');
    var title = document.createElement('p');
    title.textContent = 'Fake embedded Checkout';
    var secret = document.createElement('output');
    secret.setAttribute('data-client-secret', '');
    secret.textContent = this.clientSecret;
    var form = document.createElement('form');
    form.method = 'post';
    form.action = origin + '/c/pay/' + encodeURIComponent(this.clientSecret.split('_secret_')[0]);
    var pay = document.createElement('button');
    pay.type = 'submit';
    pay.className = 'button button-primary';
    pay.textContent = 'Pay';
    form.appendChild(pay);
    node.appendChild(title);
    node.appendChild(secret);
    node.appendChild(form);
    container.appendChild(node);
    this.node = node;
  };

  EmbeddedCheckout.prototype.unmount = function () {
    if (this.node && this.node.parentNode) this.node.parentNode.removeChild(this.node);
    this.node = null;
  };

  EmbeddedCheckout.prototype.destroy = function () {
    this.unmount();
    this.destroyed = true;
  };

  function StripeInstance(publishableKey) {
    this.publishableKey = publishableKey;
  }

  StripeInstance.prototype.createEmbeddedCheckoutPage = function (options) {
    if (!options || typeof options.fetchClientSecret !== 'function') {
      return Promise.reject(integrationError('createEmbeddedCheckoutPage(): fetchClientSecret is required.'));
    }
    return Promise.resolve(options.fetchClientSecret()).then(function (clientSecret) {
      if (typeof clientSecret !== 'string' || clientSecret.indexOf('_secret_') < 0) {
        throw integrationError('fetchClientSecret() must resolve with a Checkout Session client secret.');
      }
      return new EmbeddedCheckout(clientSecret);
    });
  };

  StripeInstance.prototype.initEmbeddedCheckout = function () {
    throw integrationError('initEmbeddedCheckout() was renamed createEmbeddedCheckoutPage() in 2026-03-25.dahlia.');
  };

  window.Stripe = function (publishableKey) {
    if (typeof publishableKey !== 'string' || publishableKey.indexOf('pk_') !== 0) {
      throw integrationError('Stripe(): a publishable key (pk_…) is required.');
    }
    return new StripeInstance(publishableKey);
  };
})();
