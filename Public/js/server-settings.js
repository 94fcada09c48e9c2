// The Settings tab: deleting shows progress and cannot be sent twice.

document.getElementById('delete-form')?.addEventListener('submit', (event) => {
  const button = event.target.querySelector('button[type="submit"]');
  if (event.target.dataset.submitting) {
    event.preventDefault();
    return;
  }
  event.target.dataset.submitting = 'true';
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Deleting…';
});
