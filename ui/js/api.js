// The only module that touches window.__TAURI__. Commands and events follow
// docs/ipc.md exactly; every failure becomes { kind, message }.

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

/** Turn whatever a rejected invoke gives us into { kind, message }. */
export function normaliseError(err) {
  if (err && typeof err === 'object' && typeof err.kind === 'string') {
    const kind = KNOWN_KINDS.has(err.kind) ? err.kind : 'internal';
    const message = typeof err.message === 'string' && err.message.trim() ? err.message : '';
    // The refused setting, for invalidInput from save_settings.
    const field = typeof err.field === 'string' ? err.field : undefined;
    return field ? { kind, message, field } : { kind, message };
  }
  if (typeof err === 'string' && err.trim()) return { kind: 'internal', message: err };
  if (err instanceof Error && err.message) return { kind: 'internal', message: err.message };
  return { kind: 'internal', message: '' };
}

async function call(command, args) {
  if (!available()) {
    throw { kind: 'internal', message: '', noBackend: true };
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
