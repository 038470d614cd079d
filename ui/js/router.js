// The router: one screen at a time in <main>. Leaving a screen runs its cleanup; a screen
// that fails to mount shows an error with the way home instead of a blank page.
// What entering a screen means for the app state is main.js's business (`onEnter`).

import { h, replace } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';

/**
 * screens: { name: { mount(root, ctx, params) -> cleanup? } }; `fallback` is shown for an
 * unknown name. `context()` gives the ctx handed to screens. Returns { go, current }.
 */
export function createRouter({ main, body, screens, fallback, context, onEnter, onShown, onError }) {
  let current = { name: null, params: null, cleanup: null };

  function go(name, params = {}) {
    const screen = screens[name] || screens[fallback];
    const screenName = screens[name] ? name : fallback;
    if (current.cleanup) {
      try {
        current.cleanup();
      } catch (err) {
        onError('screen cleanup failed', err);
      }
    }
    onEnter(screenName);
    const root = h('section', { class: `screen screen-${screenName}`, testid: `screen-${screenName}` });
    replace(main, root);
    main.scrollTop = 0;
    body.dataset.screen = screenName;
    current = { name: screenName, params, cleanup: null };
    try {
      current.cleanup = screen.mount(root, context(), params) || null;
    } catch (err) {
      // A screen bug must not leave a blank screen: say so and offer the way home.
      onError('screen mount failed', err);
      replace(root, h('div', { class: 'state state-error', role: 'alert' },
        icon('alert', 'state-icon'), h('p', { class: 'state-title', text: t('error.internal') }),
        h('button', { class: 'btn btn-primary', type: 'button', testid: 'back-button', onclick: () => go(fallback) },
          icon('home'), h('span', { text: t('bar.home') }))));
    }
    onShown(screenName);
  }

  return {
    go,
    /** The screen on display: { name, params }. */
    get current() {
      return { name: current.name, params: current.params };
    },
  };
}
