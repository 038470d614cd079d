// UI errors reach the backend's log (log_ui_error): on a kiosk nobody watches the browser
// console. Every report also goes to console.error, as before. Reports are rate-limited
// (a burst, then one every few seconds) so an error in a loop cannot flood the log; what was
// dropped is counted in the next report that gets through.

import * as api from './api.js';

const BURST = 10; // reports that may go out at once
const REFILL_MS = 6000; // then one more every 6 s (10 a minute)
const MAX_CHARS = 2000; // the backend caps too; a stack trace fits

let tokens = BURST;
let refilledAt = Date.now();
let dropped = 0;

/** Text for the log: the message and, where there is one, the stack. */
export function describe(err) {
  if (err instanceof Error) {
    const stack = typeof err.stack === 'string' ? err.stack : '';
    const head = `${err.name}: ${err.message}`;
    return stack.includes(err.message) ? stack : `${head}\n${stack}`.trim();
  }
  if (err && typeof err === 'object') {
    try {
      return JSON.stringify(err);
    } catch {
      return String(err);
    }
  }
  return String(err);
}

/** True when a report may go to the backend now (token bucket). */
function take(now) {
  const earned = Math.floor((now - refilledAt) / REFILL_MS);
  if (earned > 0) {
    tokens = Math.min(BURST, tokens + earned);
    refilledAt += earned * REFILL_MS;
  }
  if (tokens === 0) return false;
  tokens -= 1;
  return true;
}

/** Report `err` (what failed: `where`) to the console and, rate-limited, the backend's log. */
export function reportError(where, err) {
  console.error(where, err);
  send(where, err);
}

function send(where, err) {
  try {
    if (!take(Date.now())) {
      dropped += 1;
      return;
    }
    let text = `${where}: ${describe(err)}`;
    if (dropped > 0) text += ` (${dropped} earlier UI errors not logged)`;
    dropped = 0;
    // Without a backend (plain browser) or with it gone, there is nowhere else to say it.
    api.logUiError(text.slice(0, MAX_CHARS)).catch(() => {});
  } catch {
    // Reporting must never become the error.
  }
}

/**
 * Send uncaught errors and unhandled promise rejections of this window to the log (only
 * there: the web view prints them to its console itself).
 */
export function watchErrors(win = window) {
  win.addEventListener('error', (e) => {
    const where = e.filename ? `uncaught error at ${e.filename}:${e.lineno}:${e.colno}` : 'uncaught error';
    send(where, e.error != null ? e.error : e.message);
  });
  win.addEventListener('unhandledrejection', (e) => send('unhandled rejection', e.reason));
}

/** For tests: start with a full bucket again. */
export function resetReportLimit() {
  tokens = BURST;
  refilledAt = Date.now();
  dropped = 0;
}
