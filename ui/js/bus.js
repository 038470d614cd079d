// The app's event bus: backend events (door, PIN, connection) and app-level notices (info,
// scan, reconnected) go from main.js to whichever screen listens. A failing handler must not
// stop the others, so each runs on its own and its failure goes to `onError`.

export function createBus({ onError } = {}) {
  const listeners = new Map();
  return {
    /** Listen to `name`; returns the function that stops listening. */
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(fn);
      return () => listeners.get(name).delete(fn);
    },
    emit(name, payload) {
      // A copy: a handler may unsubscribe (or subscribe) while we loop.
      for (const fn of [...(listeners.get(name) || [])]) {
        try {
          fn(payload);
        } catch (err) {
          if (onError) onError(`handler for ${name} failed`, err);
        }
      }
    },
  };
}
