// A server's page: follows a running build's log live (server-sent events) and
// reloads when it finishes. Without this script the page refreshes itself
// while a build runs.

const page = document.getElementById('server-page');
if (page && page.dataset.building === 'true' && page.dataset.buildLog) follow(page.dataset.buildLog);

async function follow(url) {
  const log = document.getElementById('build-log');
  try {
    const response = await fetch(url, { headers: { Accept: 'text/event-stream' } });
    if (!response.ok || !response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        const payload = JSON.parse(data);
        if (type === 'line') {
          if (log.children.length >= payload.sequence) continue;
          const item = document.createElement('li');
          item.className = `build-line build-line-${payload.level}`;
          item.textContent = payload.message;
          log.append(item);
        } else if (type === 'done') {
          window.location.reload();
          return;
        }
      }
    }
  } catch {
    // The no-JS refresh takes over on the next load.
  }
}
