// PIN: the PIN in huge digits and the QR code for staff scanners, a live
// status line, then the success / expired / no-PIN outcome.

import * as api from '../api.js';
import { h, replace, withBusy } from '../dom.js';
import { icon, spinner } from '../icons.js';
import { t, codeText, formatTime, formatDuration } from '../i18n.js';
import { errorAlert, plate } from '../components.js';

const SUCCESS_SECONDS = 5;
const DEFAULT_PIN_TIMEOUT = 300;

/**
 * Parse the backend's QR <svg> and keep only inert drawing markup
 * (defence in depth: no scripts, handlers or external links).
 */
function safeSvg(markup) {
  if (typeof markup !== 'string' || !markup.includes('<svg')) return null;
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== 'svg' || doc.querySelector('parsererror')) return null;
  for (const bad of svg.querySelectorAll('script, foreignObject, iframe, image, use, a, style')) bad.remove();
  for (const el of [svg, ...svg.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name.endsWith('href')) el.removeAttribute(attr.name);
    }
  }
  // Size it with CSS, but keep its proportions.
  const w = parseFloat(svg.getAttribute('width'));
  const hgt = parseFloat(svg.getAttribute('height'));
  if (!svg.getAttribute('viewBox') && w > 0 && hgt > 0) svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('pin.qr.label'));
  return document.importNode(svg, true);
}

export function mount(root, ctx) {
  const { state, bus } = ctx;
  const flow = state.flow;
  const ticket = flow && flow.ticket;
  if (!ticket) {
    ctx.goHome();
    return null;
  }
  const info = state.info || {};
  const action = ticket.action || flow.action;
  const appointment = flow.appointment || { id: ticket.appointmentId };
  const hasPin = typeof ticket.pin === 'string' && ticket.pin.trim() !== '';
  const offs = [];
  let phase = hasPin ? 'waiting' : 'noPin';
  let cancelled = false;
  let releaseIdle = null;
  let pinTimer = null;
  let successTimer = null;
  let simulated = false;

  const body = h('div', { class: 'pin-stage' });
  const foot = h('footer', { class: 'pin-foot' });
  const footAlert = h('div', { class: 'screen-alert', 'aria-live': 'polite' });

  function holdIdle(hold) {
    if (hold && !releaseIdle) releaseIdle = ctx.idle.suspend();
    if (!hold && releaseIdle) { releaseIdle(); releaseIdle = null; }
  }

  async function finish(button, to = 'home') {
    await withBusy(button, async () => {
      if (!cancelled) {
        cancelled = true;
        await api.cancelPin().catch(() => {});
      }
    });
    if (!root.isConnected) return; // the user already went elsewhere meanwhile
    if (to === 'appointment') {
      flow.ticket = null;
      ctx.go('appointment');
    } else {
      ctx.goHome();
    }
  }

  function doneButton(label = t('common.done'), cls = 'btn-primary', iconName = 'check') {
    const b = h('button', { type: 'button', class: `btn btn-large ${cls}`, testid: 'done-button' },
      icon(iconName), h('span', { text: label }));
    b.addEventListener('click', () => finish(b));
    return b;
  }

  // --- header -----------------------------------------------------------------------
  const lockerId = (flow.locker && flow.locker.id) || ticket.lockerId;
  const lockerText = flow.locker && flow.locker.name ? t('pin.locker', { name: flow.locker.name })
    : lockerId ? t('locker.id', { id: lockerId }) : null;
  const validUntil = formatTime(ticket.expiresAt);
  const head = h('header', { class: 'pin-head', testid: 'pin-head' },
    h('span', { class: `pin-action pin-action-${action}` }, icon(action), t(`action.${action}`)),
    plate(appointment.licensePlate, 'plate-large'),
    h('div', null,
      h('p', { class: 'pin-customer', text: appointment.customerName || t('appt.noName') }),
      h('p', { class: 'pin-meta' },
        h('span', { text: t('appt.number', { id: appointment.id }) }),
        lockerText ? h('span', { testid: 'pin-locker' }, icon('locker'), lockerText) : null,
        flow.noteId != null ? h('span', null, icon('note'), t('pin.note', { id: flow.noteId })) : null,
        hasPin && validUntil ? h('span', null, icon('clock'), t('pin.validUntil', { time: validUntil })) : null)));

  // --- states -------------------------------------------------------------------------
  function renderWaiting() {
    const chars = [...ticket.pin.trim()];
    // Read digit by digit by a screen reader: "PIN 4 5 6 0 8 6", not "four hundred fifty-six thousand…".
    const digits = h('div', { class: 'pin-digits', testid: 'pin-digits', role: 'img', 'aria-label': t('pin.digits.label', { digits: chars.join(' ') }) },
      chars.map((c) => h('span', { class: 'pin-digit', text: c })));
    digits.style.setProperty('--pin-count', String(Math.max(4, chars.length)));
    const svg = safeSvg(ticket.qrSvg);
    replace(body, h('div', { class: 'pin-body' },
      h('div', { class: 'pin-main' },
        h('p', { class: 'pin-label', text: t('pin.label') }),
        digits,
        h('p', { class: 'pin-hint', text: t('pin.hint') }),
        h('p', { class: 'pin-status', testid: 'pin-status', role: 'status' }, spinner(), t('pin.waiting'))),
      svg
        ? h('figure', { class: 'qr-card' },
          h('div', { class: 'qr-box', testid: 'pin-qr' }, svg),
          h('figcaption', { class: 'qr-caption' }, icon('user'), t('pin.qr.caption')))
        : null));

    const timerText = h('span', { class: 'pin-timer', testid: 'pin-timer' });
    const items = [];
    if (info.simulateAvailable) {
      const sim = h('button', {
        type: 'button', class: 'btn btn-dev', testid: 'simulate-door', title: t('pin.simulate.hint'),
      }, icon('flask'), h('span', { text: t(info.mode === 'demo' ? 'pin.simulate' : 'pin.simulate.dev') }));
      sim.addEventListener('click', async () => {
        if (simulated) return;
        replace(footAlert);
        try {
          await withBusy(sim, () => api.simulateDoor());
          simulated = true;
          sim.disabled = true;
        } catch (err) {
          if (err && err.kind !== 'busy') replace(footAlert, errorAlert(err));
        }
      });
      items.push(sim);
    }
    items.push(timerText, doneButton());
    replace(foot, ...items);

    // The kiosk hides a PIN after pinTimeoutSeconds: nobody should read an old PIN.
    const timeout = Number(info.pinTimeoutSeconds) > 0 ? Number(info.pinTimeoutSeconds) : DEFAULT_PIN_TIMEOUT;
    const endAt = Date.now() + timeout * 1000;
    const tick = () => {
      const left = (endAt - Date.now()) / 1000;
      if (left <= 0) {
        finish(null);
        return;
      }
      timerText.textContent = t('pin.hidesIn', { time: formatDuration(left) });
    };
    tick();
    pinTimer = setInterval(tick, 1000);
    holdIdle(true);
  }

  function outcome({ kind, testid, iconName, title, text, extra, buttons, statusTestid = true }) {
    return h('section', { class: `pin-outcome pin-${kind}`, testid, role: 'status' },
      h('div', { class: 'pin-outcome-icon' }, icon(iconName)),
      h('p', { class: 'pin-outcome-title', testid: statusTestid ? 'pin-status' : null, text: title }),
      text ? h('p', { class: 'pin-outcome-text', testid: `${testid}-text`, text }) : null,
      extra || null,
      h('div', { class: 'btn-row' }, buttons));
  }

  function stopPinTimer() {
    clearInterval(pinTimer);
    pinTimer = null;
  }

  function renderSuccess(event) {
    phase = 'success';
    stopPinTimer();
    const cell = (event && event.cell) || '?';
    const countdown = h('p', { class: 'countdown', testid: 'success-countdown' });
    replace(body, outcome({
      kind: 'success', testid: 'pin-success', iconName: 'check',
      title: t('pin.opened', { cell, what: t(`action.${action}.done`) }),
      extra: countdown,
      buttons: [doneButton(t('common.done'), 'btn-success')],
    }));
    replace(foot);
    replace(footAlert);
    holdIdle(true); // the success countdown is its own timer
    ctx.announce(t('pin.opened', { cell, what: t(`action.${action}.done`) }));
    let left = SUCCESS_SECONDS;
    countdown.textContent = t('pin.backIn', { s: left });
    successTimer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(successTimer);
        ctx.goHome();
        return;
      }
      countdown.textContent = t('pin.backIn', { s: left });
    }, 1000);
  }

  function renderExpired() {
    phase = 'expired';
    stopPinTimer();
    replace(body, outcome({
      kind: 'expired', testid: 'pin-expired', iconName: 'timerOff',
      title: t('pin.expired.title'), text: t('pin.expired.hint'),
      buttons: [doneButton()],
    }));
    replace(foot);
    holdIdle(false);
  }

  function renderNoPin() {
    const back = h('button', { type: 'button', class: 'btn btn-large btn-secondary', testid: 'back-button' },
      icon('back'), h('span', { text: t('common.back') }));
    back.addEventListener('click', () => finish(back, 'appointment'));
    replace(body, outcome({
      kind: 'no-pin', testid: 'pin-no-pin', iconName: 'alert', statusTestid: false,
      title: t('pin.noPin.title'),
      text: codeText(ticket.noPinReason) || t('pin.noPin.default'),
      buttons: [back, doneButton(t('bar.home'), 'btn-primary', 'home')],
    }));
    replace(foot);
  }

  // --- backend events -----------------------------------------------------------------
  const sameTicket = (other) => !other ||
    (other.appointmentId == null || other.appointmentId === ticket.appointmentId);

  // pin://opened is the one signal that the door of this PIN opened.
  offs.push(bus.on('pinOpened', (payload) => {
    if (phase !== 'waiting' || !sameTicket(payload && payload.ticket)) return;
    renderSuccess(payload && payload.event);
  }));
  offs.push(bus.on('pinExpired', (payload) => {
    if (phase !== 'waiting' || !sameTicket(payload)) return;
    renderExpired();
  }));

  replace(root, head, body, footAlert, foot);
  if (phase === 'waiting') renderWaiting();
  else renderNoPin();

  return () => {
    stopPinTimer();
    clearInterval(successTimer);
    holdIdle(false);
    offs.forEach((off) => off());
    if (!cancelled && hasPin) {
      cancelled = true;
      api.cancelPin().catch(() => {});
    }
    if (flow) flow.ticket = null;
  };
}
