// Kiosk guards: while <body> has the class `kiosk`, no context menu, no zoom (ctrl+wheel,
// pinch, ctrl +/-/0), no dragging. And, kiosk or not, Escape outside a text field acts as the
// screen's Back button (a desktop nicety).

export function installGuards({ win = window, body, main }) {
  const isKiosk = () => body.classList.contains('kiosk');
  win.addEventListener('contextmenu', (e) => { if (isKiosk()) e.preventDefault(); });
  win.addEventListener('wheel', (e) => { if (e.ctrlKey && isKiosk()) e.preventDefault(); }, { passive: false });
  for (const type of ['gesturestart', 'gesturechange', 'gestureend']) {
    win.addEventListener(type, (e) => { if (isKiosk()) e.preventDefault(); });
  }
  win.addEventListener('touchmove', (e) => {
    if (isKiosk() && e.touches && e.touches.length > 1) e.preventDefault(); // pinch
  }, { passive: false });
  win.addEventListener('keydown', (e) => {
    if (isKiosk() && (e.ctrlKey || e.metaKey) && ['+', '-', '=', '0'].includes(e.key)) e.preventDefault();
  });
  win.addEventListener('dragstart', (e) => { if (isKiosk()) e.preventDefault(); });

  win.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA') return;
    const back = main.querySelector('[data-testid=back-button]');
    if (back && !back.disabled) back.click();
  });
}
