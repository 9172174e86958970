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
