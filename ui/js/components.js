// Building blocks shared by several screens: error/loading/empty states,
// door event lines, licence plates, the auto-retrying loader.

import { h } from './dom.js';
import { icon, spinner } from './icons.js';
import { t, errorText, formatTime, formatDay, isToday } from './i18n.js';

/** The sentence to show for a normalised error (see i18n.js errorText). */
export const describeError = errorText;

function errorIconName(kind) {
  switch (kind) {
    case 'offline': return 'wifiOff';
    case 'unauthorized': return 'lock';
    case 'rateLimited': return 'hourglass';
    case 'maintenance': return 'wrench';
    default: return 'alert';
  }
}

/** An inline alert line (role=alert) for a failed request. */
export function errorAlert(err, extra) {
  return h('div', { class: `alert alert-error kind-${err && err.kind}`, role: 'alert', testid: 'error' },
    icon(errorIconName(err && err.kind), 'alert-icon'),
    h('div', { class: 'alert-body' },
      h('p', { class: 'alert-text', text: describeError(err) }),
      extra || null));
}

export function infoAlert(text, kind = 'info') {
  return h('div', { class: `alert alert-${kind}`, role: 'status' },
    icon(kind === 'success' ? 'check' : 'info', 'alert-icon'),
    h('div', { class: 'alert-body' }, h('p', { class: 'alert-text', text })));
}

/** Big centered state block: loading (spinner), empty (icon) or error (icon + retry). */
export function stateBlock({ kind, title, hint, iconName, action }) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : 'status', testid: `state-${kind}` },
    kind === 'loading' ? spinner('state-spinner') : icon(iconName || 'info', 'state-icon'),
    h('p', { class: 'state-title', text: title }),
    hint ? h('p', { class: 'state-hint', text: hint }) : null,
    action || null);
}

/** Words for a door event's action ("keys taken out"); the backend sends only the action. */
export function doorActionText(event) {
  const key = `door.${event.action}`;
  const text = t(key);
  return text !== key ? text : t('door.unknown');
}

/** One door event in words: "10:42 · cell 7 · keys returned". */
export function doorEventItem(event, { withBooking = false, withDay = false } = {}) {
  const time = formatTime(event.at);
  const day = withDay && event.at && !isToday(event.at) ? formatDay(event.at) : null;
  const iconName = event.action === 'checkout' ? 'pickup'
    : event.action === 'dropoff' ? 'dropBack'
    : event.action === 'expired' ? 'timerOff' : 'door';
  return h('li', {
    class: `event event-${event.action}${event.matchesPin ? ' event-mine' : ''}`,
    testid: 'event-item',
    dataset: { eventId: event.eventId || '' },
  },
  h('span', { class: 'event-icon' }, icon(iconName)),
  h('span', { class: 'event-time' },
    day ? h('span', { class: 'event-day', text: day }) : null,
    time || t('door.noTime')),
  h('span', { class: 'event-sep', 'aria-hidden': 'true', text: '·' }),
  h('span', { class: 'event-cell', text: t('door.cell', { cell: event.cell || '?' }) }),
  h('span', { class: 'event-sep', 'aria-hidden': 'true', text: '·' }),
  h('span', { class: 'event-what', text: doorActionText(event) }),
  withBooking
    ? h('span', { class: 'event-booking', text: event.bookingName || t('activity.booking.none') }) : null,
  event.matchesPin ? h('span', { class: 'tag tag-mine', text: t('door.yourPin') }) : null);
}

/** A licence plate styled like a Dutch/EU plate; "No plate" when unknown. */
export function plate(licensePlate, size = '') {
  if (!licensePlate) {
    return h('span', { class: `plate plate-none ${size}`.trim() }, t('appt.noPlate'));
  }
  return h('span', { class: `plate ${size}`.trim(), translate: 'no' },
    h('span', { class: 'plate-eu', 'aria-hidden': 'true', text: 'NL' }),
    h('span', { class: 'plate-text', text: licensePlate }));
}

export function keysBadge(keysInLocker) {
  if (keysInLocker === true) {
    return h('span', { class: 'badge badge-in' }, icon('check'), t('appt.keys.in'));
  }
  if (keysInLocker === false) {
    return h('span', { class: 'badge badge-out' }, icon('close'), t('appt.keys.out'));
  }
  return h('span', { class: 'badge badge-unknown' }, icon('info'), t('appt.keys.unknown'));
}

/** Title + optional subtitle + back button header used by most screens. */
export function screenHeader({ title, subtitle, iconName, onBack, backLabel, extra }) {
  return h('header', { class: 'screen-header' },
    onBack
      ? h('button', { class: 'btn btn-secondary btn-back', type: 'button', testid: 'back-button', onclick: onBack },
        icon('back'), h('span', { text: backLabel || t('common.back') }))
      : null,
    h('div', { class: 'screen-title' },
      iconName ? h('span', { class: 'screen-title-icon' }, icon(iconName)) : null,
      h('div', null,
        h('h1', { text: title }),
        subtitle ? h('p', { class: 'screen-subtitle', text: subtitle }) : null)),
    extra || null);
}

/**
 * Load with automatic retry and gentle backoff (2 s, 4 s, 8 s … 30 s).
 * Calls render({state: 'loading'|'data'|'error', data, error, retryIn}) and
 * returns a controller { retryNow(), stop() }.
 */
export function autoLoad(load, render, { backoff = [2, 4, 8, 15, 30] } = {}) {
  let stopped = false;
  let attempt = 0;
  let timer = null;
  let tick = null;
  let loading = false;

  function clearTimers() {
    clearTimeout(timer);
    clearInterval(tick);
    timer = tick = null;
  }

  async function run() {
    if (stopped || loading) return;
    clearTimers();
    loading = true;
    render({ state: 'loading', retrying: attempt > 0 });
    try {
      const data = await load();
      loading = false;
      if (stopped) return;
      attempt = 0;
      render({ state: 'data', data });
    } catch (error) {
      loading = false;
      if (stopped) return;
      const wait = backoff[Math.min(attempt, backoff.length - 1)];
      attempt += 1;
      let left = wait;
      render({ state: 'error', error, retryIn: left });
      tick = setInterval(() => {
        left -= 1;
        if (left > 0 && !stopped) render({ state: 'error', error, retryIn: left, tick: true });
      }, 1000);
      timer = setTimeout(run, wait * 1000);
    }
  }

  run();
  return {
    retryNow() { if (!loading) run(); },
    isFailing() { return attempt > 0 && !loading; },
    stop() { stopped = true; clearTimers(); },
  };
}

/** Error state block with the backend sentence, countdown and a Try again button. */
export function errorState(error, retryIn, onRetry) {
  const hint = retryIn > 0 ? t('common.retryIn', { s: retryIn }) : t('common.retrying');
  return h('div', { class: `state state-error kind-${error && error.kind}`, role: 'alert', testid: 'state-error' },
    icon(errorIconName(error && error.kind), 'state-icon'),
    h('p', { class: 'state-title', text: describeError(error) }),
    h('p', { class: 'state-hint', testid: 'retry-countdown', text: hint }),
    h('button', { class: 'btn btn-primary', type: 'button', testid: 'retry-button', onclick: onRetry },
      icon('retry'), h('span', { text: t('common.retry') })));
}
