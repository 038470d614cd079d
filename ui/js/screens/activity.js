// Activity: the location's door events, newest first, updated live.

import * as api from '../api.js';
import { h, perFrame, replace } from '../dom.js';
import { t } from '../i18n.js';
import { autoLoad, doorEventItem, errorState, screenHeader, stateBlock } from '../components.js';

const LIMIT = 100;

export function mount(root, ctx) {
  const { bus } = ctx;
  const offs = [];
  let events = null;

  const count = h('span', { class: 'activity-count' });
  const body = h('div', { class: 'activity-body' });

  function render() {
    count.textContent = !events ? ''
      : events.length === 1 ? t('activity.count.one') : t('activity.count', { n: events.length });
    if (!events.length) {
      replace(body, stateBlock({ kind: 'empty', iconName: 'inbox', title: t('activity.empty') }));
      return;
    }
    replace(body,
      h('div', { class: 'activity-head', 'aria-hidden': 'true' },
        h('span'), h('span', { text: t('activity.col.time') }), h('span', { text: t('activity.col.cell') }),
        h('span', { text: t('activity.col.what') }), h('span', { text: t('activity.col.booking') })),
      h('ul', { class: 'events', testid: 'activity-list' },
        events.map((e) => doorEventItem(e, { withBooking: true, withDay: true }))));
  }

  function merge(list) {
    const seen = new Set();
    events = list.filter((e) => e && !seen.has(e.eventId) && seen.add(e.eventId))
      .sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0))
      .slice(0, LIMIT);
  }

  const loader = autoLoad(() => api.recentEvents(LIMIT), (s) => {
    if (s.state === 'loading') {
      if (!events) replace(body, stateBlock({ kind: 'loading', title: t('activity.loading') }));
    } else if (s.state === 'data') {
      merge([...(events || []), ...(Array.isArray(s.data) ? s.data : [])]);
      render();
    } else if (s.state === 'error') {
      const el = body.querySelector('[data-testid=retry-countdown]');
      if (s.tick && el) el.textContent = t('common.retryIn', { s: s.retryIn });
      else if (!events) replace(body, errorState(s.error, s.retryIn, () => loader.retryNow()));
    }
  });

  let newestId = null;
  const listUpdate = perFrame(() => {
    render();
    const first = body.querySelector('[data-testid=event-item]');
    if (first && first.dataset.eventId === newestId) first.classList.add('is-new');
  });
  offs.push(bus.on('door', (event) => {
    if (!events) return; // the load in flight will include it
    merge([event, ...events]);
    newestId = event.eventId;
    listUpdate.schedule();
  }));
  offs.push(bus.on('reconnected', () => { if (loader.isFailing()) loader.retryNow(); }));

  replace(root,
    screenHeader({
      title: t('activity.title'), subtitle: t('activity.subtitle'), iconName: 'list',
      onBack: () => ctx.goHome(), extra: count,
    }),
    h('section', { class: 'panel activity activity-panel' }, body));

  return () => {
    listUpdate.cancel();
    loader.stop();
    offs.forEach((off) => off());
  };
}
