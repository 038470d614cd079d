// Simple line icons (24x24, stroke = currentColor), drawn for this app.
// They are our own constants, so parsing them as markup is safe.

const PATHS = {
  pickup: '<path d="M4 14v5a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-5"/><path d="M12 16V3"/><path d="M7 8l5-5 5 5"/>',
  dropBack: '<path d="M4 14v5a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-5"/><path d="M12 3v13"/><path d="M7 11l5 5 5-5"/>',
  assistPickup: '<circle cx="9" cy="7" r="3.5"/><path d="M2.5 21v-.5a6.5 6.5 0 0 1 13 0v.5"/><circle cx="19" cy="6.5" r="2.5"/><path d="M19 9v10M19 14h2.2M19 17.5h2.2"/>',
  key: '<circle cx="7.5" cy="15.5" r="4.5"/><path d="M10.7 12.3 20 3M16 7l3 3M14 9l2 2"/>',
  gear: '<circle cx="12" cy="12" r="3"/><circle cx="12" cy="12" r="6.5"/><path stroke-width="3" stroke-linecap="butt" d="M12 1.5v3.2M12 19.3v3.2M1.5 12h3.2M19.3 12h3.2M4.6 4.6l2.3 2.3M17.1 17.1l2.3 2.3M4.6 19.4l2.3-2.3M17.1 6.9l2.3-2.3"/>',
  back: '<path d="M20 12H5"/><path d="M11 5l-7 7 7 7"/>',
  check: '<path d="M4 12.5l5 5L20 6.5"/>',
  close: '<path d="M6 6l12 12M18 6 6 18"/>',
  alert: '<path d="M12 3.5 2.5 20h19L12 3.5z"/><path d="M12 10v4.5"/><path d="M12 17.3v.2"/>',
  info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v6"/><path d="M12 7.5v.2"/>',
  wifi: '<path d="M2 8.5a15 15 0 0 1 20 0"/><path d="M5.2 12a10.5 10.5 0 0 1 13.6 0"/><path d="M8.5 15.4a5.5 5.5 0 0 1 7 0"/><path d="M12 19.2v.1"/>',
  wifiOff: '<path d="M3 3l18 18"/><path d="M2 8.5a15 15 0 0 1 6-3.3"/><path d="M13.5 5.1A15 15 0 0 1 22 8.5"/><path d="M5.2 12a10.5 10.5 0 0 1 4-2.2"/><path d="M8.5 15.4a5.5 5.5 0 0 1 5.8-.8"/><path d="M12 19.2v.1"/>',
  lock: '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/><path d="M12 15v2"/>',
  hourglass: '<path d="M6 3h12M6 21h12"/><path d="M7 3c0 6 10 6 10 9s-10 3-10 9"/><path d="M17 3c0 6-10 6-10 9s10 3 10 9"/>',
  wrench: '<path d="M15 3.5a5 5 0 0 0-4.6 6.9l-7 7a1.8 1.8 0 0 0 2.6 2.6l7-7A5 5 0 0 0 20.3 8l-3 1.1-2.3-2.3 1.1-3z"/>',
  clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3.5 2"/>',
  list: '<path d="M9 6h12M9 12h12M9 18h12"/><path d="M4 6h.5M4 12h.5M4 18h.5"/>',
  door: '<path d="M5 21V4a1 1 0 0 1 1-1h11a1 1 0 0 1 1 1v17"/><path d="M3 21h18"/><path d="M14.5 12v.5"/>',
  search: '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l5 5"/>',
  backspace: '<path d="M21 5H9l-7 7 7 7h12a1 1 0 0 0 1-1V6a1 1 0 0 0-1-1z"/><path d="M12 9l6 6M18 9l-6 6"/>',
  keypad: '<path d="M6 5h.5M12 5h.5M18 5h.5M6 11h.5M12 11h.5M18 11h.5M6 17h.5M12 17h.5M18 17h.5M12 22h.5" stroke-width="3.5"/>',
  locker: '<rect x="3" y="3" width="18" height="18" rx="2"/><path d="M3 9h18M3 15h18M12 3v18"/><path d="M9 6h.5M9 12h.5M9 18h.5M18 6h.5M18 12h.5M18 18h.5"/>',
  flask: '<path d="M9 3h6"/><path d="M10 3v6L4.5 19a1.5 1.5 0 0 0 1.3 2h12.4a1.5 1.5 0 0 0 1.3-2L14 9V3"/><path d="M7 15h10"/>',
  retry: '<path d="M20 12a8 8 0 1 1-2.4-5.7"/><path d="M20 3.5v5h-5"/>',
  power: '<path d="M12 3v9"/><path d="M6.3 6.3a8 8 0 1 0 11.4 0"/>',
  home: '<path d="M3 11l9-8 9 8"/><path d="M5.5 9v12h13V9"/>',
  note: '<path d="M6 3h9l4 4v14H6z"/><path d="M15 3v4h4"/><path d="M9 12h7M9 16h7"/>',
  chevron: '<path d="M9 5l7 7-7 7"/>',
  user: '<circle cx="12" cy="8" r="4"/><path d="M4 21v-.5a8 8 0 0 1 16 0v.5"/>',
  inbox: '<path d="M3 13l3-8h12l3 8v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z"/><path d="M3 13h5l1.5 3h5L16 13h5"/>',
  timerOff: '<circle cx="12" cy="13" r="8"/><path d="M12 9v4"/><path d="M9 2h6"/><path d="M5 20 19 6"/>',
  globe: '<circle cx="12" cy="12" r="9"/><path d="M3 12h18"/><path d="M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"/>',
};

const cache = new Map();

/** An <svg> element for icon `name` (aria-hidden: icons always sit beside words). */
export function icon(name, className = '') {
  let tpl = cache.get(name);
  if (!tpl) {
    tpl = document.createElement('template');
    tpl.innerHTML =
      '<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"' +
      ' stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">' +
      (PATHS[name] || PATHS.info) +
      '</svg>';
    cache.set(name, tpl);
  }
  const svg = tpl.content.firstElementChild.cloneNode(true);
  if (className) svg.classList.add(...className.split(' '));
  return svg;
}

/** A spinner element (CSS animated; still meaningful beside its words when motion is reduced). */
export function spinner(className = '') {
  const el = document.createElement('span');
  el.className = ('spinner ' + className).trim();
  el.setAttribute('aria-hidden', 'true');
  return el;
}
