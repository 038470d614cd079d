// Start-up: builds the shell (top bar, <main>, screen-reader line) at once, before app_info
// answers, then fills it in; wires the backend's events to the bus, the router, the idle
// reset, the scanner and the kiosk guards. Each of those lives in its own module.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { t, setLanguage } from './i18n.js';
import { createBus } from './bus.js';
import { reportError, watchErrors } from './report.js';
import { createTopbar } from './topbar.js';
import { createRouter } from './router.js';
import { installGuards } from './guards.js';
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

watchErrors(window);
const bus = createBus({ onError: reportError });

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

const topbar = createTopbar(bar, { state, onHome: () => goHome(), onSettings: () => go('settings') });

const router = createRouter({
  main, body, screens: SCREENS, fallback: 'home',
  context: () => ctx,
  onEnter(name) {
    if (name === 'home') state.flow = null;
    // Leaving the settings locks them again (kiosk admin PIN); a re-render does not.
    if (name !== 'settings') {
      // The backend holds the unlock that gates saving and quitting: lock it there too.
      if (state.adminUnlocked) api.lockAdmin().catch(() => {});
      state.adminUnlocked = false;
      state.settingsDraft = null;
    }
  },
  onShown: () => idle.reset(),
  onError: reportError,
});
const go = router.go;
const goHome = () => go('home');

/** Re-render the shell and current screen (after a language change). */
function rerender() {
  topbar.render();
  // Never re-mount the PIN screen: that would cancel the PIN on display.
  const { name, params } = router.current;
  if (name && name !== 'pin') go(name, params);
}

const idle = createIdle({
  onIdle() {
    const hadScan = Boolean(state.scanned);
    state.scanned = null;
    // On Home only a left-over scan banner needs clearing; otherwise leave the feed alone.
    if (router.current.name !== 'home' || hadScan) goHome();
  },
});

const ctx = {
  state, bus, go, goHome, rerender, idle,
  get screen() { return router.current.name; },
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
  else topbar.render();
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
  topbar.showConnection();
  bus.emit('connection', conn);
  if (before && before !== 'ok' && conn.state === 'ok') bus.emit('reconnected', conn);
}

installGuards({ win: window, body, main });

createScanner({
  isActive: () => SCANNER_SCREENS.has(router.current.name),
  onScan: (id) => bus.emit('scan', id),
});

// --- boot ----------------------------------------------------------------------
topbar.render();
setInterval(topbar.tick, 1000);
go('home');

// Load first, then listen (events are not queued); both are started at once
// and screens merge/de-duplicate what arrives twice.
// Backend events -> bus (names: docs/ipc.md; who listens: grep bus.on).
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

// The browser preview (ui-dev/) opens a screen directly for screenshots: hand it the context.
if (window.__KIOSK_PREVIEW__) window.dispatchEvent(new CustomEvent('kiosk:preview', { detail: ctx }));
