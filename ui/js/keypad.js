// On-screen numeric keypad (WebKitGTK has no on-screen keyboard; greasy
// fingers need big keys). Layout:  1 2 3 ⌫ / 4 5 6 C / 7 8 9 OK / 0 0 0 OK

import { h, isBusy, replace, withBusy } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';
import { reportError } from './report.js';

/**
 * createKeypad({ title, hint, maxLength, mask, okLabel, placeholder, aside, onSubmit, physicalKeys, onChange })
 * placeholder: what the empty display says; aside: an element shown right of the display.
 * onSubmit(value) may return a promise: OK shows a spinner and ignores taps until it settles.
 * physicalKeys: also take digits/Backspace/Enter from a hardware keyboard while mounted
 * (only where the barcode scanner is not listening).
 * Returns { el, value(), set(v), clear(), error(), focus(), destroy() }.
 */
export function createKeypad({
  title = null, hint = null, maxLength = 9, mask = false, okLabel = null, placeholder = null,
  aside = null, onSubmit, onChange = null, physicalKeys = false, idPrefix = 'keypad',
} = {}) {
  let value = '';
  const display = h('output', { class: 'keypad-display', testid: `${idPrefix}-display`, 'aria-live': 'polite' });

  const keyButton = (label, props) => h('button', { type: 'button', class: 'key', ...props }, label);

  const digits = {};
  for (let d = 0; d <= 9; d++) {
    digits[d] = keyButton(String(d), {
      class: `key${d === 0 ? ' key-zero' : ''}`, testid: `${idPrefix}-key-${d}`, 'aria-label': String(d),
      onclick: () => press(String(d)),
    });
  }
  const backspace = keyButton(icon('backspace'), {
    class: 'key key-fn', testid: `${idPrefix}-backspace`, 'aria-label': t('keypad.delete'), title: t('keypad.delete'),
    onclick: () => del(),
  });
  const clearKey = keyButton(t('keypad.clear'), {
    class: 'key key-fn', testid: `${idPrefix}-clear`, onclick: () => set(''),
  });
  const ok = keyButton([icon('check'), h('span', { text: okLabel || t('keypad.ok') })], {
    class: 'key key-ok', testid: `${idPrefix}-ok`, onclick: () => submit(),
  });

  const grid = h('div', { class: 'keypad-grid', role: 'group', 'aria-label': title || t('keypad.empty') },
    digits[1], digits[2], digits[3], backspace,
    digits[4], digits[5], digits[6], clearKey,
    digits[7], digits[8], digits[9], ok,
    digits[0]);

  const el = h('div', { class: 'keypad', testid: idPrefix === 'keypad' ? 'keypad' : idPrefix },
    title ? h('h2', { class: 'keypad-title', text: title }) : null,
    hint ? h('p', { class: 'keypad-hint', text: hint }) : null,
    aside ? h('div', { class: 'keypad-display-row' }, display, aside) : display,
    grid);

  function render() {
    display.classList.remove('is-error');
    if (!value) {
      display.classList.add('is-empty');
      display.textContent = placeholder || t('keypad.empty');
    } else {
      display.classList.remove('is-empty');
      display.textContent = mask ? '●'.repeat(value.length) : value;
    }
    if (!isBusy(ok)) ok.disabled = value.length === 0;
  }

  function set(v) {
    value = String(v).replace(/\D/g, '').slice(0, maxLength);
    render();
    if (onChange) onChange(value);
  }

  function press(d) {
    if (isBusy(ok)) return;
    if (value.length >= maxLength) return;
    set(value + d);
  }

  function del() {
    if (isBusy(ok)) return;
    set(value.slice(0, -1));
  }

  async function submit() {
    if (!value || !onSubmit) return;
    const v = value;
    await withBusy(ok, async () => {
      try {
        await onSubmit(v);
      } catch (err) {
        reportError('keypad submit failed', err);
      }
    });
    render();
  }

  function onKey(e) {
    if (!el.isConnected || e.ctrlKey || e.altKey || e.metaKey) return;
    const tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA') return;
    if (/^[0-9]$/.test(e.key)) { press(e.key); e.preventDefault(); }
    else if (e.key === 'Backspace') { del(); e.preventDefault(); }
    else if (e.key === 'Escape') { set(''); }
    else if (e.key === 'Enter' && value) { submit(); e.preventDefault(); }
  }
  if (physicalKeys) window.addEventListener('keydown', onKey);

  render();

  return {
    el,
    value: () => value,
    set,
    clear: () => set(''),
    /** Shake the display red (wrong PIN, unknown number). */
    error() {
      display.classList.remove('is-error');
      void display.offsetWidth; // restart the animation
      display.classList.add('is-error');
    },
    destroy() {
      if (physicalKeys) window.removeEventListener('keydown', onKey);
      replace(el);
    },
  };
}
