// The reference client: how a public client calls the password-reset API. It holds no secret
// (the API computes SECRET_HASH), shows the API's problem `detail` to the user, and never keeps
// the password: it is read from the field for one request and the field is cleared. The new
// password is typed twice and the two are compared here, before any request: only one is sent.
const apiUrl = document.querySelector('meta[name="api-url"]').content.replace(/\/$/, '');
const status = document.getElementById('status');
const fieldErrors = document.getElementById('field-errors');

function show(kind, message, errors = []) {
  status.className = kind;
  status.textContent = message;
  fieldErrors.replaceChildren(
    ...errors.map((error) => {
      const item = document.createElement('li');
      item.textContent = `${error.field}: ${error.message}`;
      return item;
    }),
  );
}

async function post(path, body) {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.ok)
    return {
      ok: true,
      status: response.status,
      body: response.status === 204 ? null : await response.json(),
    };
  const problem = await response.json().catch(() => null);
  return {
    ok: false,
    status: response.status,
    detail: problem?.detail ?? `The request failed (HTTP ${response.status}).`,
    errors: Array.isArray(problem?.errors) ? problem.errors : [],
  };
}

async function submit(form, action) {
  const button = form.querySelector('button');
  button.disabled = true;
  show('', 'Please wait…');
  try {
    await action();
  } catch {
    show('error', 'The service could not be reached. Check your connection and try again.');
  } finally {
    button.disabled = false;
  }
}

document.getElementById('forgot-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const username = form.elements.username.value.trim();
  submit(form, async () => {
    const answer = await post('/password/forgot', { username });
    if (!answer.ok) return show('error', answer.detail, answer.errors);
    document.getElementById('confirm-username').value = username;
    show('success', answer.body.message);
  });
});

const passwordAgainError = document.getElementById('confirm-password-again-error');

/** Marks the repeated password as not matching (message) or clears the mark (no message). */
function passwordMismatch(field, message) {
  passwordAgainError.textContent = message ?? '';
  if (message) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
}

document.getElementById('confirm-form').addEventListener('input', (event) => {
  const { password, passwordAgain } = event.currentTarget.elements;
  if (event.target === password || event.target === passwordAgain) passwordMismatch(passwordAgain);
});

document.getElementById('confirm-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { password, passwordAgain } = form.elements;
  if (password.value !== passwordAgain.value) {
    // Nothing is sent: the user fixes the fields first.
    show('', '');
    passwordMismatch(
      passwordAgain,
      'The two passwords do not match. Type the same new password in both fields.',
    );
    passwordAgain.focus();
    return;
  }
  passwordMismatch(passwordAgain);
  const body = {
    username: form.elements.username.value.trim(),
    code: form.elements.code.value.trim(),
    password: password.value,
  };
  password.value = '';
  passwordAgain.value = '';
  submit(form, async () => {
    const answer = await post('/password/confirm', body);
    body.password = '';
    if (!answer.ok) {
      showAllFields();
      return show('error', answer.detail, answer.errors);
    }
    form.reset();
    show('success', 'Your password has been changed. You can now sign in with your new password.');
  });
});

// Opened from the reset email: the link carries the username and the code in its fragment
// (`#username=...&code=...`), which the browser never sends to a server, a proxy or in a Referer.
// Both are taken into the form, then removed from the address bar (and so from the history and
// from any bookmark), and the page asks only for the new password.
const fromLink = new URLSearchParams(window.location.hash.slice(1));
const linkUsername = fromLink.get('username');
const linkCode = fromLink.get('code');
if (linkUsername && linkCode) {
  const confirmForm = document.getElementById('confirm-form');
  confirmForm.elements.username.value = linkUsername;
  confirmForm.elements.code.value = linkCode;
  document.getElementById('code-fields').hidden = true;
  document.getElementById('forgot-form').hidden = true;
  const notice = document.getElementById('from-link');
  notice.textContent = `Choose a new password for ${linkUsername}.`;
  notice.hidden = false;
  confirmForm.elements.password.focus();
}
if (window.location.hash !== '') {
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** After a failed confirm from a link, the user may need another code: show everything again. */
function showAllFields() {
  document.getElementById('code-fields').hidden = false;
  document.getElementById('forgot-form').hidden = false;
  document.getElementById('from-link').hidden = true;
}

// The buttons are disabled in the markup, so that without this script no form can be submitted.
for (const button of document.querySelectorAll('form button')) button.disabled = false;
