// The Playground tab: choosing a tool reloads its generated form at once (without
// this script the Choose button does).

document.getElementById('playground-tool')?.addEventListener('change', (event) => {
  event.target.form.submit();
});
