// Kiosk idle reset: after `seconds` without a touch or key, call onIdle().
// Screens with their own timer (PIN, success countdown) suspend it.

const ACTIVITY_EVENTS = ['pointerdown', 'touchstart', 'keydown', 'wheel', 'input'];

export function createIdle({ onIdle }) {
  let enabled = false;
  let seconds = 60;
  let suspended = 0;
  let timer = null;

  function arm() {
    clearTimeout(timer);
    timer = null;
    if (!enabled || suspended > 0 || !(seconds > 0)) return;
    timer = setTimeout(() => {
      timer = null;
      onIdle();
      arm();
    }, seconds * 1000);
  }

  for (const type of ACTIVITY_EVENTS) {
    window.addEventListener(type, arm, { capture: true, passive: true });
  }

  return {
    /** Turn on/off (kiosk mode only) and set the timeout in seconds. */
    configure({ on, timeoutSeconds }) {
      enabled = Boolean(on);
      if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) seconds = timeoutSeconds;
      arm();
    },
    /** Suspend until the returned function is called (nesting allowed). */
    suspend() {
      suspended += 1;
      arm();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        suspended -= 1;
        arm();
      };
    },
    reset: arm,
  };
}
