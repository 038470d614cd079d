// Locker (return keys only): pick one of the location's active lockers; an
// optional appointment note number can be typed first (collapsed by default).

import * as api from '../api.js';
import { h, replace, setBusy } from '../dom.js';
import { icon } from '../icons.js';
import { t } from '../i18n.js';
import { createKeypad } from '../keypad.js';
import {
  autoLoad, errorAlert, errorState, plate, screenHeader, stateBlock,
} from '../components.js';

export function mount(root, ctx) {
  const { state, bus } = ctx;
  const flow = state.flow;
  if (!flow || !flow.appointment) {
    ctx.goHome();
    return null;
  }
  const offs = [];
  let lockers = Array.isArray(flow.lockers) ? flow.lockers : null;
  let noteId = null;
  let noteOpen = false;
  let keypad = null;
  let working = false;

  const alertSlot = h('div', { class: 'screen-alert', 'aria-live': 'polite' });
  const grid = h('div', { class: 'lockers-body' });
  const notePanel = h('div', { class: 'note-panel' });
  // With the note keypad open it sits beside the lockers, so nothing needs scrolling.
  const layout = h('div', { class: 'locker-layout' }, grid, notePanel);

  async function choose(locker, button) {
    if (working) return;
    working = true;
    replace(alertSlot);
    for (const b of grid.querySelectorAll('button')) b.disabled = true;
    setBusy(button, true);
    try {
      await ctx.flow.requestPin({ locker, noteId });
    } catch (err) {
      if (err && err.kind !== 'busy' && root.isConnected) replace(alertSlot, errorAlert(err));
    } finally {
      working = false;
      setBusy(button, false);
      if (root.isConnected) for (const b of grid.querySelectorAll('button')) b.disabled = false;
    }
  }

  function renderLockers() {
    if (!lockers.length) {
      replace(grid, stateBlock({ kind: 'empty', iconName: 'locker', title: t('locker.empty') }));
      return;
    }
    replace(grid, h('div', { class: 'lockers', testid: 'locker-list' }, lockers.map((l) => {
      const b = h('button', { type: 'button', class: 'locker-option', testid: 'locker-option', dataset: { id: l.id } },
        h('span', { class: 'locker-icon' }, icon('locker')),
        h('span', null,
          h('span', { class: 'locker-name', text: l.name || t('locker.id', { id: l.id }) }),
          l.name ? h('span', { class: 'locker-id', text: t('locker.id', { id: l.id }) }) : null));
      b.addEventListener('click', () => choose(l, b));
      return b;
    })));
  }

  function renderNote() {
    if (keypad) {
      keypad.destroy();
      keypad = null;
    }
    layout.classList.toggle('note-open', noteOpen);
    if (!noteOpen) {
      replace(notePanel,
        noteId != null
          ? h('div', { class: 'note-chip', testid: 'note-value' }, icon('note'), t('locker.note.value', { id: noteId }),
            h('button', {
              type: 'button', class: 'btn btn-secondary btn-small', testid: 'note-remove',
              onclick: () => { noteId = null; renderNote(); },
            }, icon('close'), h('span', { text: t('locker.note.remove') })))
          : h('button', {
            type: 'button', class: 'btn btn-secondary', testid: 'note-toggle', 'aria-expanded': 'false',
            onclick: () => { noteOpen = true; renderNote(); },
          }, icon('note'), h('span', { text: t('locker.note.toggle') })));
      return;
    }
    const close = h('button', {
      type: 'button', class: 'btn btn-secondary note-close', testid: 'note-cancel',
      'aria-label': t('common.cancel'), title: t('common.cancel'),
      onclick: () => { noteOpen = false; renderNote(); },
    }, icon('close'));
    keypad = createKeypad({
      placeholder: t('locker.note.title'),
      aside: close,
      maxLength: 9,
      physicalKeys: true,
      onSubmit: (value) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n <= 0) {
          keypad.error();
          return;
        }
        noteId = n;
        noteOpen = false;
        renderNote();
      },
    });
    if (noteId != null) keypad.set(String(noteId));
    replace(notePanel, keypad.el);
  }

  let loader = null;
  if (lockers) {
    renderLockers();
  } else {
    loader = autoLoad(() => api.listLockers(), (s) => {
      if (s.state === 'loading') {
        if (!lockers) replace(grid, stateBlock({ kind: 'loading', title: t('locker.loading') }));
      } else if (s.state === 'data') {
        lockers = (Array.isArray(s.data) ? s.data : []).filter((l) => l && l.active !== false);
        flow.lockers = lockers;
        renderLockers();
      } else if (s.state === 'error') {
        const el = grid.querySelector('[data-testid=retry-countdown]');
        if (s.tick && el) el.textContent = t('common.retryIn', { s: s.retryIn });
        else replace(grid, errorState(s.error, s.retryIn, () => loader.retryNow()));
      }
    });
    offs.push(bus.on('reconnected', () => { if (loader.isFailing()) loader.retryNow(); }));
  }

  const a = flow.appointment;
  replace(root,
    screenHeader({
      title: t('locker.title'), subtitle: t('locker.subtitle'), iconName: 'dropBack',
      onBack: () => ctx.go('appointment'),
      extra: h('div', { class: 'header-appt' }, plate(a.licensePlate),
        h('span', { class: 'header-appt-name', text: a.customerName || t('appt.number', { id: a.id }) })),
    }),
    alertSlot,
    layout);
  root.querySelector('.screen-title-icon').classList.add('title-dropBack');
  renderNote();

  return () => {
    if (loader) loader.stop();
    if (keypad) keypad.destroy();
    offs.forEach((off) => off());
  };
}
