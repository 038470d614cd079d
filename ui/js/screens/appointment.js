// Appointment: today's appointments as big rows, a search box (desktop
// keyboard), a numeric keypad and the barcode scanner for the number.

import * as api from '../api.js';
import { h, replace, setBusy } from '../dom.js';
import { icon } from '../icons.js';
import { t, formatTime } from '../i18n.js';
import { createKeypad } from '../keypad.js';
import {
  autoLoad, errorAlert, errorState, keysBadge, plate, screenHeader, stateBlock, infoAlert,
} from '../components.js';

const norm = (s) => String(s || '').toLowerCase().replace(/[\s-]/g, '');

export function mount(root, ctx) {
  const { state, bus } = ctx;
  const flow = state.flow;
  if (!flow || !flow.action) {
    ctx.goHome();
    return null;
  }
  const action = flow.action;
  const needsKeysInLocker = action === 'pickup' || action === 'assistPickup';
  const offs = [];
  let appointments = null;
  let working = false;

  const alertSlot = h('div', { class: 'screen-alert', 'aria-live': 'polite' });
  const listBody = h('div', { class: 'list-body' });
  const meta = h('div', { class: 'list-meta' });
  const search = h('input', {
    class: 'input', type: 'search', inputmode: 'search', autocomplete: 'off', spellcheck: 'false',
    placeholder: t('appt.search.placeholder'), 'aria-label': t('appt.search.label'), testid: 'appointment-search',
  });
  search.addEventListener('input', () => renderList());
  search.addEventListener('keydown', (e) => {
    // Enter on a number that is not in the list: look it up like the keypad does.
    if (e.key !== 'Enter') return;
    const q = search.value.trim();
    const shown = filtered();
    if (shown.length === 1) choose(shown[0], listBody.querySelector('[data-testid=appointment-row]'));
    else if (/^\d+$/.test(q)) lookUp(Number(q), null);
  });

  const keypad = createKeypad({
    title: t('appt.keypad.title'),
    hint: t('appt.keypad.hint'),
    maxLength: 9,
    onSubmit: (value) => lookUp(Number(value), null),
  });

  // --- actions --------------------------------------------------------------------
  function lockRows(locked) {
    for (const b of listBody.querySelectorAll('button.row')) b.disabled = locked;
  }

  async function run(button, work) {
    if (working) return; // one request at a time: no double submit
    working = true;
    replace(alertSlot);
    lockRows(true);
    setBusy(button, true);
    try {
      await work();
    } catch (err) {
      if (err && err.kind !== 'busy' && root.isConnected) {
        replace(alertSlot, errorAlert(err));
        if (err.kind === 'notFound') keypad.error();
      }
    } finally {
      working = false;
      setBusy(button, false);
      if (root.isConnected) lockRows(false);
    }
  }

  function choose(appointment, button) {
    return run(button, () => ctx.flow.chooseAppointment(appointment));
  }

  async function lookUp(id, button) {
    if (working) return;
    if (!Number.isSafeInteger(id) || id <= 0) {
      keypad.error();
      return;
    }
    keypad.set(String(id));
    replace(alertSlot, infoAlert(t('appt.looking', { id })));
    await run(button, async () => {
      const appointment = await api.findAppointment(id);
      await ctx.flow.chooseAppointment(appointment);
    });
  }

  // --- list ---------------------------------------------------------------------------
  function filtered() {
    if (!appointments) return [];
    const q = norm(search.value);
    if (!q) return appointments;
    return appointments.filter((a) =>
      norm(a.licensePlate).includes(q) || norm(a.customerName).includes(q) || String(a.id).includes(q));
  }

  function row(a) {
    const unavailable = needsKeysInLocker && a.keysInLocker === false;
    const time = formatTime(a.plannedAt);
    const button = h('button', {
      type: 'button', class: `row${unavailable ? ' row-unavailable' : ''}`,
      testid: 'appointment-row', dataset: { id: String(a.id), keys: String(a.keysInLocker) },
      disabled: working,
    },
    plate(a.licensePlate),
    h('span', { class: 'row-main' },
      h('span', { class: 'row-name', text: a.customerName || t('appt.noName') }),
      h('span', { class: 'row-meta' },
        h('span', { class: 'row-time' }, icon('clock'), time || t('appt.noTime')),
        h('span', { text: t('appt.number', { id: a.id }) }))),
    keysBadge(a.keysInLocker),
    h('span', { class: 'row-go' }, icon('chevron')));
    button.addEventListener('click', () => choose(a, button));
    return h('li', null, button);
  }

  function renderList() {
    if (!appointments) return;
    const q = search.value.trim();
    const shown = filtered();
    const n = appointments.length;
    replace(meta,
      h('span', { text: n === 0 ? '' : n === 1 ? t('appt.count.one') : t('appt.count', { n }) }),
      h('span', { class: 'scanner-ready', text: t('appt.scanner') }));
    if (n === 0 && !q) {
      replace(listBody, stateBlock({
        kind: 'empty', iconName: 'inbox', title: t('appt.empty'), hint: t('appt.empty.hint'),
      }));
      return;
    }
    const items = shown.map(row);
    const exact = appointments.some((a) => String(a.id) === q);
    if (/^\d+$/.test(q) && !exact) {
      const id = Number(q);
      const b = h('button', { type: 'button', class: 'row row-use-number', testid: 'use-number', disabled: working },
        h('span', { class: 'row-go' }, icon('keypad')),
        h('span', { class: 'row-main' }, h('span', { class: 'row-name', text: t('appt.useNumber', { id }) })),
        h('span', { class: 'row-go' }, icon('chevron')));
      b.addEventListener('click', () => lookUp(id, b));
      items.push(h('li', null, b));
    }
    if (items.length === 0) {
      replace(listBody, stateBlock({ kind: 'empty', iconName: 'search', title: t('appt.noMatch', { q }) }));
      return;
    }
    replace(listBody, h('ul', { class: 'rows', testid: 'appointment-list' }, items));
  }

  const loader = autoLoad(() => api.listAppointments(), (s) => {
    if (s.state === 'loading') {
      if (appointments) return;
      replace(meta);
      replace(listBody, h('div', { class: 'rows', 'aria-busy': 'true' },
        stateBlock({ kind: 'loading', title: t('appt.loading') }),
        h('div', { class: 'skeleton' }), h('div', { class: 'skeleton' }), h('div', { class: 'skeleton' })));
    } else if (s.state === 'data') {
      appointments = Array.isArray(s.data) ? s.data.filter((a) => a && Number.isSafeInteger(a.id)) : [];
      renderList();
    } else if (s.state === 'error') {
      const el = listBody.querySelector('[data-testid=retry-countdown]');
      if (s.tick && el) el.textContent = t('common.retryIn', { s: s.retryIn });
      else replace(listBody, errorState(s.error, s.retryIn, () => loader.retryNow()));
    }
  });

  offs.push(bus.on('reconnected', () => { if (loader.isFailing()) loader.retryNow(); }));
  offs.push(bus.on('scan', (id) => lookUp(id, null)));

  replace(root,
    screenHeader({
      title: t(`action.${action}`), subtitle: t('appt.subtitle'), iconName: action,
      onBack: () => ctx.goHome(),
    }),
    alertSlot,
    h('div', { class: 'appt-layout' },
      h('section', { class: 'appt-list-panel', 'aria-label': t('appt.subtitle') },
        h('label', { class: 'search' }, icon('search'), search),
        meta,
        listBody),
      h('aside', { class: 'panel keypad-panel' }, keypad.el)));
  root.querySelector('.screen-title-icon').classList.add(`title-${action}`);

  return () => {
    loader.stop();
    keypad.destroy();
    offs.forEach((off) => off());
  };
}
