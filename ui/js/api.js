// The only module that touches window.__TAURI__. Commands and events follow
// docs/ipc.md exactly; every failure becomes { kind, code?, field?, detail? },
// which the UI words (i18n.js errorText).

const KNOWN_KINDS = new Set([
  'unauthorized', 'rateLimited', 'maintenance', 'server', 'offline', 'notFound',
  'badRequest', 'invalidInput', 'busy', 'notAllowed', 'internal',
]);

function tauri() {
  return typeof window !== 'undefined' ? window.__TAURI__ : undefined;
}

export function available() {
  const t = tauri();
  return Boolean(t && t.core && typeof t.core.invoke === 'function');
}

const text = (v) => (typeof v === 'string' && v.trim() ? v : undefined);

/**
 * Turn whatever a rejected invoke gives us into { kind, code?, field?, detail? }:
 * the backend's own error keeps its code (worded by the catalogue), the refused
 * setting (`field`) and words that are not ours (`detail`); anything else (Tauri
 * refusing the arguments, a thrown Error) is an internal error with its text as detail.
 */
export function normaliseError(err) {
  if (err && typeof err === 'object' && typeof err.kind === 'string') {
    const out = { kind: KNOWN_KINDS.has(err.kind) ? err.kind : 'internal' };
    for (const key of ['code', 'field', 'detail']) {
      if (text(err[key])) out[key] = err[key];
    }
    return out;
  }
  if (text(err)) return { kind: 'internal', detail: err };
  if (err instanceof Error && text(err.message)) return { kind: 'internal', detail: err.message };
  return { kind: 'internal' };
}

async function call(command, args) {
  if (!available()) {
    throw { kind: 'internal', noBackend: true };
  }
  try {
    return await tauri().core.invoke(command, args);
  } catch (err) {
    throw normaliseError(err);
  }
}

export const appInfo = () => call('app_info');
export const listAppointments = () => call('list_appointments');
export const findAppointment = (id) => call('find_appointment', { id });
export const listLockers = () => call('list_lockers');
/** request: { action, appointmentId, lockerId?, noteId? } */
export const requestPin = (request) => call('request_pin', { request });
export const cancelPin = () => call('cancel_pin');
export const simulateDoor = () => call('simulate_door');
export const recentEvents = (limit) =>
  call('recent_events', limit == null ? {} : { limit });
export const connectionStatus = () => call('connection_status');
export const getSettings = () => call('get_settings');
export const saveSettings = (settings) => call('save_settings', { settings });
export const unlockAdmin = (pin) => call('unlock_admin', { pin });
export const lockAdmin = () => call('lock_admin');
export const quitApp = () => call('quit_app');
export const logUiError = (message) => call('log_ui_error', { message });

// Each door event arrives once: the one that opened the PIN on screen inside
// pin://opened ({ ticket, event }), every other as door://event.
export const EVENTS = Object.freeze({
  door: 'door://event',
  pinOpened: 'pin://opened',
  pinExpired: 'pin://expired',
  connection: 'connection://status',
});

/**
 * Listen to a backend event; `handler` gets the payload. Returns a promise of
 * an unlisten function (a no-op when there is no backend).
 */
export async function listen(event, handler) {
  const t = tauri();
  if (!t || !t.event || typeof t.event.listen !== 'function') return () => {};
  try {
    return await t.event.listen(event, (e) => handler(e ? e.payload : undefined));
  } catch {
    return () => {};
  }
}
