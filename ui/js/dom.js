// Tiny DOM helpers. Data always goes in as text (never as markup), so nothing
// from the backend can inject HTML; only our own constant icon SVGs are parsed.

/**
 * h('button', {class: 'btn', testid: 'x', onclick: fn}, child, 'text')
 * Props: class, text, testid, dataset, on<event> (listener), value/checked/disabled
 * (set as properties), anything else as an attribute. null/false props are skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'testid') el.dataset.testid = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'value' || key === 'checked' || key === 'disabled') el[key] = value;
      else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replace the children of `el`. */
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

/** A reply quicker than this never shows a spinner: no flicker, and no frames drawn for it. */
const BUSY_SHOW_MS = 150;

/**
 * Mark a button as working: disabled and aria-busy at once (no double submit), the spinner
 * (CSS `.is-busy`) only once the work takes longer than BUSY_SHOW_MS. Without a GPU every
 * spinner frame is drawn by the CPU on the page's thread, which then answers the PIN later.
 */
export function setBusy(button, busy) {
  if (!button) return;
  button.disabled = busy;
  clearTimeout(button.busyTimer);
  if (busy) {
    button.setAttribute('aria-busy', 'true');
    button.busyTimer = setTimeout(() => button.classList.add('is-busy'), BUSY_SHOW_MS);
  } else {
    button.removeAttribute('aria-busy');
    button.classList.remove('is-busy');
  }
}

/** Whether `button` is working (see setBusy). */
export function isBusy(button) {
  return !!button && button.getAttribute('aria-busy') === 'true';
}

/**
 * Run `work()` with `button` busy; a second tap while busy is ignored.
 * Resolves to work's result, or undefined when the tap was ignored.
 */
export async function withBusy(button, work) {
  if (isBusy(button)) return undefined;
  setBusy(button, true);
  try {
    return await work();
  } finally {
    // The button may have been removed by a screen change: harmless.
    setBusy(button, false);
  }
}

/**
 * Coalesce calls to `fn` into one per animation frame. A poll can announce hundreds of door
 * events at once (a kiosk back online): re-rendering a list for each of them left the web
 * process 130 MiB bigger after a burst of 500 (docs/PERFORMANCE.md). Until the window is shown
 * again, a hidden window renders nothing (no frames), which costs nothing.
 */
export function perFrame(fn) {
  let id = null;
  return {
    schedule() {
      if (id !== null) return;
      id = requestAnimationFrame(() => {
        id = null;
        fn();
      });
    },
    cancel() {
      if (id !== null) cancelAnimationFrame(id);
      id = null;
    },
  };
}
