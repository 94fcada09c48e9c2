// Checks the sign-in forms before they are sent, with the same rules and
// wording as the server (which always checks again): the national number must
// hold only digits and separators, with as many digits as the chosen country
// uses; the email needs one @ and a domain with a dot.

function showError(field, element, message) {
  element.textContent = message;
  element.hidden = !message;
  if (message) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', element.id);
  } else {
    field.removeAttribute('aria-invalid');
  }
  field.closest('.field')?.classList.toggle('has-error', Boolean(message));
}

function phoneProblem(select, input) {
  const option = select.selectedOptions[0];
  const raw = input.value.trim();
  if (!raw) return 'Enter your mobile number.';
  if (/[^0-9\s\-.()+]/.test(raw)) return 'Use only digits, spaces and dashes.';
  if (raw.startsWith('+') || raw.startsWith('00')) return '';
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('0') && option?.value !== 'IT') digits = digits.slice(1);
  const min = Number(option?.dataset.min ?? 0);
  const max = Number(option?.dataset.max ?? 15);
  const country = option?.dataset.name ?? 'this country';
  if (digits.length < min) return `That number looks too short for ${country}.`;
  if (digits.length > max) return `That number looks too long for ${country}.`;
  return '';
}

function emailProblem(input) {
  const value = input.value.trim();
  if (!value) return 'Enter your email address.';
  const parts = value.split('@');
  if (parts.length !== 2 || !parts[0] || !parts[1].includes('.') || /\s/.test(value)) {
    return 'That does not look like an email address.';
  }
  return '';
}

const phoneForm = document.querySelector('form[data-phone-form]');
if (phoneForm) {
  const select = phoneForm.querySelector('select[name="country"]');
  const input = phoneForm.querySelector('input[name="national"]');
  const error = document.getElementById('phone-error');
  phoneForm.addEventListener('submit', (event) => {
    const problem = phoneProblem(select, input);
    showError(input, error, problem);
    if (problem) {
      event.preventDefault();
      input.focus();
    }
  });
  select.addEventListener('change', () => showError(input, error, ''));
}

const emailInput = document.getElementById('email');
const emailError = document.getElementById('email-error');
emailInput?.form?.addEventListener('submit', (event) => {
  const problem = emailProblem(emailInput);
  showError(emailInput, emailError, problem);
  if (problem) {
    event.preventDefault();
    emailInput.focus();
  }
});
