// Progressive enhancement only: every page works without it.
// - forms with data-confirm ask first (delete); forms with data-busy say they are working
//   and cannot be sent twice (a run or a try takes a few seconds).
document.addEventListener('submit', (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  const ask = form.getAttribute('data-confirm');
  if (ask && !window.confirm(ask)) {
    e.preventDefault();
    return;
  }
  if (form.hasAttribute('data-busy')) {
    if (form.dataset.sent === '1') {
      e.preventDefault();
      return;
    }
    form.dataset.sent = '1';
    form.setAttribute('aria-busy', 'true');
    const status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.className = 'help';
    status.textContent = document.documentElement.lang === 'zh-CN' ? '处理中…' : 'Working…';
    form.appendChild(status);
  }
});

// The builder's step recorder keeps a browser page open on the server. Leaving the recorder for
// another part of the console (a link or a form elsewhere) ends it at once; without script it
// ends when left alone (RADAR_BUILDER_IDLE_MS).
const recorder = document.querySelector('[data-session-end]');
if (recorder) {
  const stays = (url) => {
    try {
      return new URL(url, location.href).pathname.startsWith('/targets/build');
    } catch {
      return true;
    }
  };
  const end = () => navigator.sendBeacon(recorder.getAttribute('data-session-end'), new URLSearchParams({ _csrf: recorder.getAttribute('data-csrf'), do: 'end' }));
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (a && !a.closest('svg') && !stays(a.getAttribute('href'))) end();
  });
  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (form instanceof HTMLFormElement && !stays(form.getAttribute('action') || location.href)) end();
  });
}
