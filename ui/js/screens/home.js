// Home: the three actions and a live feed of the latest door events.

import * as api from '../api.js';
import { h, perFrame, replace, withBusy } from '../dom.js';
import { icon, spinner } from '../icons.js';
import { t } from '../i18n.js';
import {
  autoLoad, doorEventItem, errorAlert, errorState, plate, stateBlock,
} from '../components.js';

const ACTIONS = ['pickup', 'dropBack', 'assistPickup'];
const FEED_SIZE = 5;

export function mount(root, ctx) {
  const { state, bus } = ctx;
  const offs = [];
  let events = [];

  const banner = h('div', { class: 'scan-banner-slot' });
  const actionError = h('div', { class: 'action-error-slot', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions' }, ACTIONS.map((action) => {
    const button = h('button', {
      class: `action action-${action}`, type: 'button', testid: `action-${action}`,
      dataset: { action },
    },
    h('span', { class: 'action-icon' }, icon(action)),
    h('span', { class: 'action-text' },
      h('span', { class: 'action-title', text: t(`action.${action}`) }),
      h('span', { class: 'action-hint', text: t(`action.${action}.hint`) })),
    h('span', { class: 'action-go' }, icon('chevron')));
    button.addEventListener('click', () => start(action, button));
    return button;
  }));

  async function start(action, button) {
    replace(actionError);
    const scanned = state.scanned && state.scanned.appointment ? state.scanned.appointment : null;
    try {
      await withBusy(button, () => ctx.flow.start(action, scanned));
      state.scanned = null;
    } catch (err) {
      if (err && err.kind === 'busy') return;
      replace(actionError, errorAlert(err));
    }
  }

  // --- scanned appointment banner --------------------------------------------
  function renderBanner() {
    const s = state.scanned;
    if (!s) {
      replace(banner);
      return;
    }
    const clearBtn = h('button', {
      class: 'btn btn-secondary btn-small', type: 'button', testid: 'scan-clear',
      onclick: () => { state.scanned = null; renderBanner(); replace(actionError); },
    }, icon('close'), h('span', { text: t('home.scanned.clear') }));
    let content;
    if (s.loading) {
      content = [spinner(), h('p', { class: 'scan-title', text: t('home.scanned.looking', { id: s.id }) })];
    } else if (s.error) {
      content = [errorAlert(s.error)];
    } else {
      const a = s.appointment;
      content = [
        plate(a.licensePlate),
        h('div', { class: 'scan-text' },
          h('p', { class: 'scan-title', text: `${t('home.scanned.title', { id: a.id })}${a.customerName ? ' · ' + a.customerName : ''}` }),
          h('p', { class: 'scan-hint', text: t('home.scanned.hint') })),
      ];
    }
    replace(banner, h('div', { class: 'scan-banner', testid: 'scan-banner', role: 'status' },
      h('div', { class: 'scan-content' }, content), clearBtn));
  }

  async function onScan(id) {
    state.scanned = { id, loading: true };
    renderBanner();
    try {
      const appointment = await api.findAppointment(id);
      if (!state.scanned || state.scanned.id !== id) return;
      state.scanned = { id, appointment };
    } catch (err) {
      if (!state.scanned || state.scanned.id !== id) return;
      state.scanned = { id, error: err };
    }
    renderBanner();
  }

  // --- live feed ----------------------------------------------------------------
  const feedList = h('div', { class: 'feed-body' });
  const feed = h('section', { class: 'panel feed', 'aria-labelledby': 'feed-title' },
    h('header', { class: 'panel-header' },
      h('h2', { id: 'feed-title', text: t('home.feed.title') }),
      h('button', {
        class: 'btn btn-secondary btn-small', type: 'button', testid: 'nav-activity',
        onclick: () => ctx.go('activity'),
      }, icon('list'), h('span', { text: t('home.feed.all') }))),
    feedList);

  function renderFeed() {
    if (events.length === 0) {
      replace(feedList, stateBlock({ kind: 'empty', iconName: 'inbox', title: t('home.feed.empty') }));
      return;
    }
    replace(feedList, h('ul', { class: 'events', testid: 'home-feed' },
      events.map((e) => doorEventItem(e))));
  }

  function merge(list) {
    const seen = new Set();
    events = list.filter((e) => e && !seen.has(e.eventId) && seen.add(e.eventId)).slice(0, FEED_SIZE);
  }

  const loader = autoLoad(() => api.recentEvents(FEED_SIZE), (s) => {
    if (s.state === 'loading') {
      if (!events.length && !s.retrying) replace(feedList, stateBlock({ kind: 'loading', title: t('home.feed.loading') }));
    } else if (s.state === 'data') {
      // Events that arrived live during the load stay in front.
      merge([...events, ...(Array.isArray(s.data) ? s.data : [])]);
      sortNewestFirst();
      renderFeed();
    } else if (s.state === 'error') {
      const el = feedList.querySelector('[data-testid=retry-countdown]');
      if (s.tick && el) el.textContent = t('common.retryIn', { s: s.retryIn });
      else replace(feedList, errorState(s.error, s.retryIn, () => loader.retryNow()));
    }
  });

  function sortNewestFirst() {
    events.sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
  }

  let newestId = null;
  const feedUpdate = perFrame(() => {
    renderFeed();
    const first = feedList.querySelector('[data-testid=event-item]');
    if (first && first.dataset.eventId === newestId) first.classList.add('is-new');
  });
  offs.push(bus.on('door', (event) => {
    merge([event, ...events]);
    newestId = event.eventId;
    feedUpdate.schedule();
  }));
  offs.push(bus.on('reconnected', () => { if (loader.isFailing()) loader.retryNow(); }));
  offs.push(bus.on('scan', onScan));

  replace(root,
    banner,
    h('h1', { class: 'sr-only', text: t('app.name') }),
    actions,
    actionError,
    feed);
  renderBanner();

  return () => {
    feedUpdate.cancel();
    loader.stop();
    offs.forEach((off) => off());
  };
}
