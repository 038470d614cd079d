// The top bar: home button with the location, DEMO badge, connection pill with its health
// line, clock and settings gear. It reads the app state and redraws itself; main.js tells it
// when app info or the connection changed.

import { h, replace } from './dom.js';
import { icon, spinner } from './icons.js';
import { t, codeText, formatTime, formatTimeSeconds, formatDay } from './i18n.js';

const KNOWN_STATES = ['connecting', 'ok', 'offline', 'unauthorized', 'rateLimited', 'maintenance', 'error'];
const STATE_ICONS = {
  connecting: null, ok: 'wifi', offline: 'wifiOff', unauthorized: 'lock',
  rateLimited: 'hourglass', maintenance: 'wrench', error: 'alert',
};

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

function connectionPill(connection) {
  const c = connection || { state: 'connecting' };
  const s = KNOWN_STATES.includes(c.state) ? c.state : 'error';
  const iconName = STATE_ICONS[s];
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
 * Draws the bar into `bar` from `state.info` and `state.connection`.
 * Returns { render, showConnection, tick }.
 */
export function createTopbar(bar, { state, onHome, onSettings }) {
  let clockEl = null;
  let pillEl = null;

  function locationText() {
    const info = state.info;
    if (!info) return t('bar.location.loading');
    return info.locationName || t('bar.location.id', { id: info.locationId });
  }

  function render() {
    const info = state.info;
    const demo = info && info.mode === 'demo';
    clockEl = h('div', { class: 'clock', testid: 'clock' });
    replace(bar,
      h('button', { class: 'brand', type: 'button', title: t('bar.home'), testid: 'nav-home', onclick: () => onHome() },
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
      (pillEl = connectionPill(state.connection)),
      clockEl,
      h('button', {
        class: 'icon-btn gear', type: 'button', testid: 'nav-settings',
        title: t('bar.settings'), 'aria-label': t('bar.settings'), onclick: () => onSettings(),
      }, icon('gear')));
    tick();
  }

  /** Only the pill changes: this runs on every poll (latency), so keep it cheap. */
  function showConnection() {
    if (pillEl && pillEl.isConnected) {
      const next = connectionPill(state.connection);
      pillEl.replaceWith(next);
      pillEl = next;
    } else {
      render();
    }
  }

  function tick() {
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

  return { render, showConnection, tick };
}
