// Boot and router. Renders the shell at once (before app_info answers), then
// fills it in; listens to backend events and hands them to screens via a bus.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { icon, spinner } from './icons.js';
import { t, codeText, setLanguage, formatTime, formatTimeSeconds, formatDay } from './i18n.js';
import { createIdle } from './idle.js';
import { createScanner } from './scanner.js';
import { createFlow } from './flow.js';
import * as home from './screens/home.js';
import * as appointment from './screens/appointment.js';
import * as locker from './screens/locker.js';
import * as pin from './screens/pin.js';
import * as activity from './screens/activity.js';
import * as settings from './screens/settings.js';

const SCREENS = { home, appointment, locker, pin, activity, settings };
const SCANNER_SCREENS = new Set(['home', 'appointment']);

// --- tiny event bus (backend events and app-level notifications) -------------
const listeners = new Map();
const bus = {
  on(name, fn) {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(fn);
    return () => listeners.get(name).delete(fn);
  },
  emit(name, payload) {
    for (const fn of [...(listeners.get(name) || [])]) {
      try {
        fn(payload);
      } catch (err) {
        console.error(`handler for ${name} failed`, err);
      }
    }
  },
};

const state = {
  info: null, // AppInfo, null until app_info answers
  infoError: null,
  connection: { state: 'connecting', code: null, lastOkAt: null, latencyMs: null },
  flow: null, // { action, appointment, lockers, locker, noteId, ticket }
  scanned: null, // appointment scanned on Home: { id, appointment?, error? }
  adminUnlocked: false, // settings unlocked with the admin PIN (kiosk mode)
  settingsDraft: null, // unsaved settings form values kept across a language re-render
};

// --- shell -------------------------------------------------------------------
const body = document.body;
const bar = h('header', { class: 'topbar', testid: 'topbar' });
const main = h('main', { class: 'main', id: 'main' });
const live = h('div', { class: 'sr-only', 'aria-live': 'polite', id: 'live' });
replace(body, bar, main, live);
body.classList.add('ready');

let clockEl = null;
let pillEl = null;
let current = { name: null, params: null, cleanup: null };

function locationText() {
  const info = state.info;
  if (!info) return t('bar.location.loading');
  return info.locationName || t('bar.location.id', { id: info.locationId });
}

function connectionPill() {
  const c = state.connection || { state: 'connecting' };
  const known = ['connecting', 'ok', 'offline', 'unauthorized', 'rateLimited', 'maintenance', 'error'];
  const s = known.includes(c.state) ? c.state : 'error';
  const iconName = {
    connecting: null, ok: 'wifi', offline: 'wifiOff', unauthorized: 'lock',
    rateLimited: 'hourglass', maintenance: 'wrench', error: 'alert',
  }[s];
  const details = [];
  const why = codeText(c.code);
  if (why) details.push(why);
  if (s === 'ok' && Number.isFinite(c.latencyMs)) details.push(t('conn.latency', { ms: Math.round(c.latencyMs) }));
  if (s !== 'ok' && c.lastOkAt && formatTime(c.lastOkAt)) details.push(t('conn.lastOk', { time: formatTime(c.lastOkAt) }));
  return h('div', {
    class: `pill pill-${s}`, testid: 'connection-status', dataset: { state: s },
    role: 'status', title: details.join(' · ') || null,
  },
  iconName ? icon(iconName) : spinner('pill-spinner'),
  h('span', { class: 'pill-lines' },
    h('span', { class: 'pill-text', text: t(`conn.${s}`) }),
    healthLine(c, s)));
}

/**
 * The health line under the state: when the last poll succeeded and how long it
 * took ("10:42:05 · 85 ms"), so a glance tells the kiosk is still talking to the
 * service; when it is not, since when.
 */
function healthLine(c, s) {
  const last = formatTimeSeconds(c.lastOkAt);
  const ms = Number.isFinite(c.latencyMs) ? Math.round(c.latencyMs) : null;
  let text;
  let label = null;
  if (s === 'ok' && last && ms != null) {
    text = t('conn.health', { time: last, ms });
    label = t('conn.health.label', { time: last, ms });
  } else if (last) {
    text = t('conn.health.stale', { time: last });
  } else {
    text = t('conn.health.never');
  }
  return h('span', {
    class: 'pill-health', testid: 'connection-health', text, 'aria-label': label,
  });
}

function renderBar() {
  const info = state.info;
  const demo = info && info.mode === 'demo';
  clockEl = h('div', { class: 'clock', testid: 'clock' });
  replace(bar,
    h('button', { class: 'brand', type: 'button', title: t('bar.home'), testid: 'nav-home', onclick: () => goHome() },
      h('span', { class: 'brand-mark' }, icon('key')),
      h('span', { class: 'brand-text' },
        h('span', { class: 'brand-name', text: t('app.name') }),
        h('span', { class: 'brand-location', testid: 'location-name', text: locationText() }))),
    demo
      ? h('div', { class: 'demo-badge', testid: 'demo-badge', title: t('bar.demo.hint'), role: 'note' },
        icon('flask'),
        h('span', { class: 'demo-badge-text' },
          h('strong', { text: t('bar.demo') }),
          h('span', { class: 'demo-badge-hint', text: t('bar.demo.sub') })))
      : null,
    h('div', { class: 'topbar-spacer' }),
    (pillEl = connectionPill()),
    clockEl,
    h('button', {
      class: 'icon-btn gear', type: 'button', testid: 'nav-settings',
      title: t('bar.settings'), 'aria-label': t('bar.settings'), onclick: () => go('settings'),
    }, icon('gear')));
  tickClock();
}

function tickClock() {
  if (!clockEl) return;
  const now = new Date();
  const time = formatTime(now);
  const day = formatDay(now);
  // Ticks every second but shows minutes: touching the DOM only when the text changes spares
  // 59 repaints a minute (each one a whole frame without a GPU; docs/PERFORMANCE.md).
  const shown = `${time} ${day}`;
  if (clockEl.dataset.shown === shown) return;
  clockEl.dataset.shown = shown;
  replace(clockEl,
    h('span', { class: 'clock-time', text: time }),
    h('span', { class: 'clock-day', text: day }));
}

// --- router ------------------------------------------------------------------
function go(name, params = {}) {
  const screen = SCREENS[name] || SCREENS.home;
  const screenName = SCREENS[name] ? name : 'home';
  if (current.cleanup) {
    try {
      current.cleanup();
    } catch (err) {
      console.error('screen cleanup failed', err);
    }
  }
  if (screenName === 'home') state.flow = null;
  // Leaving the settings locks them again (kiosk admin PIN); a re-render does not.
  if (screenName !== 'settings') {
    // The backend holds the unlock that gates saving and quitting: lock it there too.
    if (state.adminUnlocked) api.lockAdmin().catch(() => {});
    state.adminUnlocked = false;
    state.settingsDraft = null;
  }
  const root = h('section', { class: `screen screen-${screenName}`, testid: `screen-${screenName}` });
  replace(main, root);
  main.scrollTop = 0;
  body.dataset.screen = screenName;
  current = { name: screenName, params, cleanup: null };
  try {
    current.cleanup = screen.mount(root, ctx, params) || null;
  } catch (err) {
    // A screen bug must not leave a blank screen: say so and offer the way home.
    console.error('screen mount failed', err);
    replace(root, h('div', { class: 'state state-error', role: 'alert' },
      icon('alert', 'state-icon'), h('p', { class: 'state-title', text: t('error.internal') }),
      h('button', { class: 'btn btn-primary', type: 'button', testid: 'back-button', onclick: () => goHome() },
        icon('home'), h('span', { text: t('bar.home') }))));
  }
  idle.reset();
}

function goHome() {
  go('home');
}

/** Re-render the shell and current screen (after a language change). */
function rerender() {
  renderBar();
  // Never re-mount the PIN screen: that would cancel the PIN on display.
  if (current.name && current.name !== 'pin') go(current.name, current.params);
}

const idle = createIdle({
  onIdle() {
    const hadScan = Boolean(state.scanned);
    state.scanned = null;
    // On Home only a left-over scan banner needs clearing; otherwise leave the feed alone.
    if (current.name !== 'home' || hadScan) goHome();
  },
});

const ctx = {
  state, bus, go, goHome, rerender, idle,
  get screen() { return current.name; },
  refreshInfo: () => loadInfo(),
  /** Say something to screen readers (e.g. the door opened). */
  announce(text) {
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  },
};
ctx.flow = createFlow(ctx);

// --- app info, language, kiosk -------------------------------------------------
function applyInfo(info) {
  const prevLang = document.documentElement.lang;
  state.info = info;
  state.infoError = null;
  const changed = info.language ? setLanguage(info.language) : false;
  body.classList.toggle('kiosk', Boolean(info.kiosk));
  body.classList.toggle('demo', info.mode === 'demo');
  idle.configure({ on: Boolean(info.kiosk), timeoutSeconds: info.idleResetSeconds || 60 });
  document.title = t('app.name');
  if (changed || prevLang !== document.documentElement.lang) rerender();
  else renderBar();
  bus.emit('info', info);
}

let infoRetry = 0;
let infoTimer = null;
async function loadInfo() {
  clearTimeout(infoTimer); // one retry chain at most (refreshInfo may come in between)
  infoTimer = null;
  try {
    applyInfo(await api.appInfo());
    infoRetry = 0;
  } catch (err) {
    state.infoError = err;
    const wait = [2, 4, 8, 15, 30][Math.min(infoRetry, 4)];
    infoRetry += 1;
    clearTimeout(infoTimer);
    infoTimer = setTimeout(loadInfo, wait * 1000);
  }
}

function setConnection(conn) {
  if (!conn || typeof conn !== 'object') return;
  const before = state.connection && state.connection.state;
  state.connection = conn;
  // Only the pill changes: this runs on every poll (latency), so keep it cheap.
  if (pillEl && pillEl.isConnected) {
    const next = connectionPill();
    pillEl.replaceWith(next);
    pillEl = next;
  } else {
    renderBar();
  }
  bus.emit('connection', conn);
  if (before && before !== 'ok' && conn.state === 'ok') bus.emit('reconnected', conn);
}

// --- kiosk guards (apply only while body.kiosk) -------------------------------
const isKiosk = () => body.classList.contains('kiosk');
window.addEventListener('contextmenu', (e) => { if (isKiosk()) e.preventDefault(); });
window.addEventListener('wheel', (e) => { if (e.ctrlKey && isKiosk()) e.preventDefault(); }, { passive: false });
for (const type of ['gesturestart', 'gesturechange', 'gestureend']) {
  window.addEventListener(type, (e) => { if (isKiosk()) e.preventDefault(); });
}
window.addEventListener('touchmove', (e) => {
  if (isKiosk() && e.touches && e.touches.length > 1) e.preventDefault(); // pinch
}, { passive: false });
window.addEventListener('keydown', (e) => {
  if (isKiosk() && (e.ctrlKey || e.metaKey) && ['+', '-', '=', '0'].includes(e.key)) e.preventDefault();
});
window.addEventListener('dragstart', (e) => { if (isKiosk()) e.preventDefault(); });

// Desktop nicety: Escape outside a text field acts as the screen's Back button.
window.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  const tag = e.target && e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA') return;
  const back = main.querySelector('[data-testid=back-button]');
  if (back && !back.disabled) back.click();
});

createScanner({
  isActive: () => SCANNER_SCREENS.has(current.name),
  onScan: (id) => bus.emit('scan', id),
});

// --- boot ----------------------------------------------------------------------
renderBar();
setInterval(tickClock, 1000);
go('home');

// Load first, then listen (events are not queued); both are started at once
// and screens merge/de-duplicate what arrives twice.
api.listen(api.EVENTS.door, (e) => e && bus.emit('door', e));
// The door event that opened the PIN on screen comes only inside pin://opened: the feed takes it
// from there.
api.listen(api.EVENTS.pinOpened, (p) => {
  if (!p) return;
  if (p.event) bus.emit('door', p.event);
  bus.emit('pinOpened', p);
});
api.listen(api.EVENTS.pinExpired, (p) => bus.emit('pinExpired', p || {}));
api.listen(api.EVENTS.connection, setConnection);
loadInfo();
api.connectionStatus().then(setConnection, (err) => {
  if (err && err.noBackend) setConnection({ state: 'error', code: 'noBackend' });
});

// Dev preview only: ui/dev/preview.html sets this flag to jump to a screen.
if (window.__KIOSK_PREVIEW__) {
  import('../dev/jump.js').then((m) => m.jump(ctx, window.__KIOSK_PREVIEW__)).catch((err) => console.error(err));
}
