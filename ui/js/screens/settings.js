// Settings: behind the admin PIN in kiosk mode; the form of get_settings /
// save_settings (docs/ipc.md), About, and Quit kiosk.

import * as api from '../api.js';
import { h, replace, withBusy } from '../dom.js';
import { icon } from '../icons.js';
import { t, setLanguage, LANGUAGES } from '../i18n.js';
import { createKeypad } from '../keypad.js';
import { errorAlert, infoAlert, screenHeader, stateBlock, describeError } from '../components.js';

const LANGUAGE_NAMES = { en: 'English', nl: 'Nederlands' };

export function mount(root, ctx) {
  const { state } = ctx;
  const info = () => state.info || {};
  let keypad = null;
  let view = null; // last SettingsView from the backend
  const fields = {};

  const content = h('div', { class: 'settings-content' });
  replace(root,
    screenHeader({ title: t('settings.title'), iconName: 'gear', onBack: () => ctx.goHome() }),
    content);

  // --- admin lock -------------------------------------------------------------------------
  function showLock(err) {
    const alertSlot = h('div', { class: 'screen-alert', 'aria-live': 'polite' });
    if (err) replace(alertSlot, errorAlert(err));
    keypad = createKeypad({
      mask: true,
      maxLength: 12,
      physicalKeys: true,
      okLabel: t('keypad.ok'),
      onSubmit: async (pin) => {
        replace(alertSlot);
        try {
          const ok = await api.unlockAdmin(pin);
          if (ok === true) {
            state.adminUnlocked = true;
            keypad.destroy();
            keypad = null;
            load();
          } else {
            keypad.clear();
            keypad.error();
            replace(alertSlot, h('div', { class: 'alert alert-error', role: 'alert', testid: 'unlock-wrong' },
              icon('lock', 'alert-icon'), h('p', { class: 'alert-text', text: t('settings.locked.wrong') })));
          }
        } catch (e) {
          if (e && e.kind !== 'busy') replace(alertSlot, errorAlert(e));
        }
      },
    });
    replace(content, h('div', { class: 'panel lock-card', testid: 'admin-lock' },
      h('div', { class: 'lock-info' },
        h('span', { class: 'lock-icon' }, icon('lock')),
        h('h2', { class: 'keypad-title', text: t('settings.locked.title') }),
        h('p', { class: 'keypad-hint', text: t('settings.locked.hint') }),
        alertSlot),
      keypad.el));
  }

  // --- load ----------------------------------------------------------------------------
  async function load() {
    replace(content, stateBlock({ kind: 'loading', title: t('settings.loading') }));
    try {
      view = await api.getSettings();
      renderForm();
    } catch (err) {
      if (err && err.kind === 'notAllowed') {
        state.adminUnlocked = false;
        showLock();
        return;
      }
      const retry = h('button', { type: 'button', class: 'btn btn-primary', testid: 'retry-button', onclick: () => load() },
        icon('retry'), h('span', { text: t('common.retry') }));
      replace(content, h('div', { class: 'state state-error', role: 'alert', testid: 'state-error' },
        icon('alert', 'state-icon'), h('p', { class: 'state-title', text: describeError(err) }), retry));
    }
  }

  // --- form ------------------------------------------------------------------------------
  function input(name, props) {
    const el = h('input', { class: 'input', id: `settings-${name}`, name, testid: `settings-${name}`, autocomplete: 'off', spellcheck: 'false', ...props });
    fields[name] = el;
    return el;
  }

  function field(name, label, control, hint, wide = false) {
    return h('div', { class: `field${wide ? ' field-wide' : ''}` },
      h('label', { class: 'field-label', for: `settings-${name}`, text: label }),
      control,
      hint ? h('p', { class: 'field-hint', id: `settings-${name}-hint`, text: hint }) : null);
  }

  function toggle(name, label, checked, hint) {
    const box = h('input', { type: 'checkbox', id: `settings-${name}`, name, testid: `settings-${name}`, checked: Boolean(checked), role: 'switch' });
    fields[name] = box;
    const stateText = h('span', { class: 'switch-state', text: checked ? t('common.on') : t('common.off') });
    box.addEventListener('change', () => { stateText.textContent = box.checked ? t('common.on') : t('common.off'); });
    return h('div', { class: 'field' },
      h('label', { class: 'switch', for: `settings-${name}` }, box,
        h('span', { class: 'switch-text' },
          h('span', { class: 'field-label', text: label }), stateText)),
      hint ? h('p', { class: 'field-hint', text: hint }) : null);
  }

  function readForm() {
    const v = (name) => fields[name].value.trim();
    return {
      apiBaseUrl: v('apiBaseUrl'),
      token: fields.token.value,
      locationId: v('locationId'),
      defaultLockerId: v('defaultLockerId'),
      kioskMode: fields.kioskMode.checked,
      devMode: fields.devMode.checked,
      activePollMs: v('activePollMs'),
      idlePollMs: v('idlePollMs'),
      adminPin: fields.adminPin.value,
    };
  }

  function renderForm() {
    const draft = state.settingsDraft;
    state.settingsDraft = null;
    const val = (name, fallback) => (draft && draft[name] != null ? draft[name] : fallback);
    const formAlert = h('div', { class: 'screen-alert', 'aria-live': 'polite', testid: 'settings-message' });

    const langButtons = LANGUAGES.map((lang) => {
      const b = h('button', {
        type: 'button', testid: `lang-${lang}`, lang, 'aria-pressed': String(view.language === lang),
        text: LANGUAGE_NAMES[lang] || lang,
      });
      b.addEventListener('click', () => changeLanguage(lang, b, formAlert));
      return b;
    });

    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-large', testid: 'settings-save' },
      icon('check'), h('span', { text: t('settings.save') }));

    const form = h('form', { class: 'settings-form', novalidate: true, testid: 'settings-form' },
      h('section', { class: 'panel' }, h('div', { class: 'fieldset' },
        h('h2', { text: t('settings.section.service') }),
        field('apiBaseUrl', t('settings.apiBase'),
          input('apiBaseUrl', { type: 'url', inputmode: 'url', value: val('apiBaseUrl', view.apiBaseUrl || ''), placeholder: t('settings.apiBase.placeholder') }),
          t('settings.apiBase.hint'), true),
        field('token', t('settings.token'),
          input('token', { type: 'password', autocomplete: 'new-password', value: val('token', ''), placeholder: view.tokenSet ? t('settings.token.set') : t('settings.token.unset') }),
          t('settings.token.hint'), true),
        field('locationId', t('settings.location'),
          input('locationId', { type: 'text', inputmode: 'numeric', value: val('locationId', String(view.locationId ?? '')) })),
        field('defaultLockerId', t('settings.defaultLocker'),
          input('defaultLockerId', { type: 'text', value: val('defaultLockerId', view.defaultLockerId || '') }),
          t('settings.defaultLocker.hint')))),
      h('section', { class: 'panel' }, h('div', { class: 'fieldset' },
        h('h2', { text: t('settings.section.kiosk') }),
        h('div', { class: 'field field-wide' },
          h('span', { class: 'field-label', id: 'settings-language-label', text: t('settings.language') }),
          h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'settings-language-label' }, langButtons),
          h('p', { class: 'field-hint', text: t('settings.language.hint') })),
        toggle('kioskMode', t('settings.kioskMode'), val('kioskMode', view.kioskMode), t('settings.kioskMode.hint')),
        toggle('devMode', t('settings.devMode'), val('devMode', view.devMode), t('settings.devMode.hint')),
        field('adminPin', t('settings.adminPin'),
          input('adminPin', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', value: val('adminPin', '') }),
          view.adminPinSet ? t('settings.adminPin.hint') : t('settings.adminPin.none')))),
      h('section', { class: 'panel' }, h('div', { class: 'fieldset' },
        h('h2', { text: t('settings.section.advanced') }),
        field('activePollMs', t('settings.activePoll'),
          input('activePollMs', { type: 'text', inputmode: 'numeric', value: val('activePollMs', String(view.activePollMs ?? '')) })),
        field('idlePollMs', t('settings.idlePoll'),
          input('idlePollMs', { type: 'text', inputmode: 'numeric', value: val('idlePollMs', String(view.idlePollMs ?? '')) })))),
      formAlert,
      h('div', { class: 'form-actions' }, save));

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit(save, formAlert);
    });

    replace(content, h('div', { class: 'settings-layout' }, form, side()));
  }

  /** Marks the field the backend refused (its `field`), and clears the others. */
  function markInvalid(field) {
    for (const [name, el] of Object.entries(fields)) {
      if (field === name) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    }
  }

  function toInput(form, alertSlot) {
    const ints = { locationId: t('settings.location'), activePollMs: t('settings.activePoll'), idlePollMs: t('settings.idlePoll') };
    const problems = [];
    const numbers = {};
    for (const [name, label] of Object.entries(ints)) {
      const n = Number(form[name]);
      if (!/^\d+$/.test(form[name]) || !Number.isSafeInteger(n)) {
        problems.push(t('settings.invalid.number', { field: label }));
        fields[name].setAttribute('aria-invalid', 'true');
      } else {
        numbers[name] = n;
      }
    }
    if (problems.length) {
      replace(alertSlot, errorAlert({ kind: 'invalidInput', text: problems.join(' '), local: true }));
      return null;
    }
    const input = {
      apiBaseUrl: form.apiBaseUrl || null,
      locationId: numbers.locationId,
      defaultLockerId: form.defaultLockerId || null,
      language: view.language,
      kioskMode: form.kioskMode,
      activePollMs: numbers.activePollMs,
      idlePollMs: numbers.idlePollMs,
      devMode: form.devMode,
    };
    // Write-only secrets: omitted when empty, so the backend keeps the current ones.
    if (form.token) input.token = form.token;
    if (form.adminPin) input.adminPin = form.adminPin;
    return input;
  }

  async function submit(button, alertSlot) {
    replace(alertSlot);
    markInvalid(null);
    const input = toInput(readForm(), alertSlot);
    if (!input) return;
    try {
      const saved = await withBusy(button, () => api.saveSettings(input));
      if (!saved) return;
      view = saved;
      fields.token.value = '';
      fields.adminPin.value = '';
      fields.token.placeholder = view.tokenSet ? t('settings.token.set') : t('settings.token.unset');
      replace(alertSlot, infoAlert(t('settings.saved'), 'success'));
      alertSlot.firstChild.dataset.testid = 'settings-saved';
      ctx.refreshInfo();
    } catch (err) {
      if (err && err.kind === 'busy') return;
      if (err && err.kind === 'invalidInput') {
        markInvalid(err.field);
        replace(alertSlot, h('div', { class: 'alert alert-error', role: 'alert', testid: 'error' },
          icon('alert', 'alert-icon'),
          h('div', { class: 'alert-body' },
            h('p', { class: 'alert-text', text: t('settings.invalid') }),
            h('p', { class: 'alert-text', text: describeError(err) }))));
        const first = Object.values(fields).find((el) => el.getAttribute('aria-invalid') === 'true');
        if (first) first.scrollIntoView({ block: 'center', behavior: 'smooth' });
      } else {
        replace(alertSlot, errorAlert(err));
      }
    }
  }

  /** Language applies right away: saved on its own, the rest of the form is kept as typed. */
  async function changeLanguage(lang, button, alertSlot) {
    if (!view || view.language === lang) return;
    replace(alertSlot);
    const { tokenSet, adminPinSet, ...current } = view;
    try {
      const saved = await withBusy(button, () => api.saveSettings({ ...current, language: lang }));
      if (!saved) return;
      view = saved;
      state.settingsDraft = readForm();
      setLanguage(lang);
      await ctx.refreshInfo();
      ctx.rerender();
    } catch (err) {
      if (err && err.kind !== 'busy') replace(alertSlot, errorAlert(err));
    }
  }

  // --- side: about + quit ------------------------------------------------------------
  function side() {
    const i = info();
    const row = (label, value, testid) => [h('dt', { text: label }), h('dd', { testid, text: value })];
    const about = h('section', { class: 'panel about', testid: 'about' },
      h('h2', { class: 'panel-header', text: t('settings.about') }),
      h('dl', null,
        row(t('about.version'), i.version || '–', 'about-version'),
        row(t('about.mode'), i.mode === 'demo' ? t('about.mode.demo') : i.mode === 'live' ? t('about.mode.live') : '–', 'about-mode'),
        row(t('about.api'), i.apiBase || t('about.api.none'), 'about-api'),
        row(t('about.location'), i.locationName ? `${i.locationName} (${i.locationId})` : String(i.locationId ?? '–'), 'about-location'),
        row(t('about.kiosk'), i.kiosk ? t('common.yes') : t('common.no'), 'about-kiosk')));
    const parts = [about];
    if (i.kiosk) {
      const quitAlert = h('div', { class: 'screen-alert', 'aria-live': 'polite' });
      const quit = h('button', { type: 'button', class: 'btn btn-danger btn-large', testid: 'quit-kiosk' },
        icon('power'), h('span', { text: t('settings.quit') }));
      quit.addEventListener('click', async () => {
        replace(quitAlert);
        try {
          await withBusy(quit, () => api.quitApp());
        } catch (err) {
          if (err && err.kind !== 'busy') replace(quitAlert, errorAlert(err));
        }
      });
      parts.push(h('section', { class: 'panel quit-panel' },
        quit, h('p', { class: 'field-hint', text: t('settings.quit.hint') }), quitAlert));
    }
    return h('aside', { class: 'side' }, parts);
  }

  if (info().kiosk && !state.adminUnlocked) showLock();
  else load();

  return () => {
    if (keypad) keypad.destroy();
  };
}
