/* DEV ONLY — a fake window.__TAURI__ implementing docs/ipc.md with in-memory demo
   data, so the UI can be previewed in a plain browser. ui-dev/serve.mjs puts it into
   the page it serves; the app's index.html never loads it.

   Query string (all optional):
     fail=offline|unauthorized|rateLimited|maintenance|server   every data command fails
     failCount=N      only the first N data calls fail (watch the auto-retry recover)
     kiosk=1          AppInfo.kiosk (admin PIN for settings: 1234)
     mode=live        AppInfo.mode (default demo)
     lang=nl          AppInfo.language
     lockers=N        number of active lockers (default 2; 1 = locker screen skipped)
     empty=1          no appointments, no door events
     slow=MS          command latency (default 250)
     pinTimeout=S, idle=S
     screen=home|appointment|locker|pin|pin-nopin|pin-success|pin-expired|activity|settings
     action=pickup|dropBack|assistPickup   for screen=appointment|pin
*/
(function () {
  'use strict';
  const q = new URLSearchParams(location.search);
  const LATENCY = Number(q.get('slow') || 250);
  let failLeft = q.has('failCount') ? Number(q.get('failCount')) : Infinity;
  const failKind = q.get('fail');

  const today = (h, m) => {
    const d = new Date();
    d.setHours(h, m, 0, 0);
    return d.toISOString();
  };
  const ago = (minutes) => new Date(Date.now() - minutes * 60000).toISOString();

  const appointments = q.get('empty') ? [] : [
    { id: 1001, licensePlate: 'GJ-412-X', customerName: 'Jan de Vries', plannedAt: today(8, 0), keysInLocker: true },
    { id: 1002, licensePlate: '54-TZK-9', customerName: 'Fatima El Amrani', plannedAt: today(8, 30), keysInLocker: false },
    { id: 1003, licensePlate: 'K-321-BD', customerName: 'Pieter Bakker', plannedAt: today(9, 15), keysInLocker: true },
    { id: 1004, licensePlate: 'HX-07-PL', customerName: 'Sanne Jansen', plannedAt: today(10, 45), keysInLocker: null },
    { id: 1005, licensePlate: null, customerName: 'Mohammed Yilmaz', plannedAt: today(13, 0), keysInLocker: true },
    { id: 1006, licensePlate: 'TV-993-K', customerName: 'Lotte van Dijk', plannedAt: today(15, 30), keysInLocker: false },
  ];

  const lockerCount = Number(q.get('lockers') || 2);
  const lockers = [
    { id: '151', name: 'Counter locker', active: true },
    { id: '152', name: 'Night box', active: true },
    { id: '153', name: 'Workshop wall', active: true },
    { id: '160', name: 'Old cabinet', active: false },
  ].filter((l, i) => i < lockerCount || !l.active);

  let seq = 0;
  const event = (minutesAgo, cell, action, bookingName, lockerId = '151') => ({
    eventId: `ev-${++seq}`, at: ago(minutesAgo), lockerId, cell: String(cell), action,
    bookingName, matchesPin: false,
  });
  const events = q.get('empty') ? [] : [
    event(3, 7, 'dropoff', 'GJ-412-X Jan de Vries'),
    event(18, 3, 'checkout', 'K-321-BD Pieter Bakker'),
    event(46, 12, 'dropoff', 'HX-07-PL Sanne Jansen'),
    event(95, 5, 'expired', null),
    event(130, 9, 'checkout', '54-TZK-9 Fatima El Amrani'),
    event(200, 2, 'dropoff', 'TV-993-K Lotte van Dijk', '152'),
    event(60 * 26, 4, 'registered', null),
  ];

  const info = {
    version: '0.1.0-preview', mode: q.get('mode') === 'live' ? 'live' : 'demo',
    kiosk: q.get('kiosk') === '1', dev: true, simulateAvailable: q.get('simulate') !== '0',
    locationId: 82, locationName: 'Visser Werkplaats', apiBase: q.get('mode') === 'live' ? 'https://acses.example.com' : 'http://127.0.0.1:0 (built-in demo)',
    idleResetSeconds: Number(q.get('idle') || 60), pinTimeoutSeconds: Number(q.get('pinTimeout') || 300),
    language: q.get('lang') === 'nl' ? 'nl' : 'en',
  };

  let settings = {
    apiBaseUrl: info.mode === 'live' ? info.apiBase : null, tokenSet: info.mode === 'live', locationId: 82,
    defaultLockerId: '151', language: info.language, kioskMode: info.kiosk, activePollMs: 1000,
    idlePollMs: 10000, devMode: true, adminPinSet: true,
  };
  let unlocked = false;
  let ticket = null;

  const listeners = new Map();
  function emit(name, payload) {
    for (const cb of listeners.get(name) || []) cb({ event: name, id: 0, payload });
  }

  // A QR-looking SVG: three finder patterns plus modules seeded by the text.
  function fakeQr(text) {
    const n = 25, quiet = 4, size = n + 2 * quiet;
    let seed = 0;
    for (const ch of text) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 1;
    const finder = (x, y) => {
      const dx = x < 7 ? x : x >= n - 7 ? x - (n - 7) : -1;
      const dy = y < 7 ? y : y >= n - 7 ? y - (n - 7) : -1;
      if (dx < 0 || dy < 0 || (x >= n - 7 && y >= n - 7)) return null;
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      return ring !== 2;
    };
    let d = '';
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const f = finder(x, y);
        const sep = (x === 7 && (y <= 7 || y >= n - 8)) || (y === 7 && (x <= 7 || x >= n - 8)) ||
          (x === n - 8 && y <= 7) || (y === n - 8 && x <= 7);
        const on = f !== null ? f : sep ? false : (x === 6 || y === 6) ? (x + y) % 2 === 0 : rnd() === 1;
        if (on) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
      }
    }
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
      `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
  }

  // Errors as the backend sends them: a kind, a code the UI words, the refused field.
  const fail = (kind, code, field) => { throw field ? { kind, code, field } : { kind, code }; };
  const DATA_COMMANDS = new Set(['list_appointments', 'find_appointment', 'list_lockers', 'request_pin', 'recent_events', 'simulate_door']);

  const commands = {
    app_info: () => ({ ...info }),
    connection_status: () => (failKind && failLeft > 0
      ? { state: failKind === 'server' ? 'error' : failKind, code: failKind, lastOkAt: ago(12), latencyMs: null }
      : { state: 'ok', code: null, lastOkAt: new Date().toISOString(), latencyMs: 84 }),
    list_appointments: () => appointments.map((a) => ({ ...a })),
    find_appointment: ({ id }) => {
      if (!Number.isSafeInteger(id) || id <= 0) fail('invalidInput', 'invalidAppointment');
      if (id === 404) fail('notFound', 'notFound');
      const a = appointments.find((x) => x.id === id);
      return a ? { ...a } : { id, licensePlate: null, customerName: null, plannedAt: null, keysInLocker: null };
    },
    list_lockers: () => lockers.filter((l) => l.active).map((l) => ({ ...l })),
    request_pin: ({ request }) => {
      const { action, appointmentId, lockerId } = request || {};
      if (!['pickup', 'dropBack', 'assistPickup'].includes(action)) throw `unknown variant \`${action}\``;
      if (lockerId != null && !lockers.some((l) => l.id === lockerId && l.active)) fail('invalidInput', 'invalidLocker');
      const a = appointments.find((x) => x.id === appointmentId);
      const base = { action, appointmentId, lockerId: lockerId || '151', issuedAt: new Date().toISOString() };
      if (action !== 'dropBack' && a && a.keysInLocker === false) {
        ticket = null;
        return { ...base, pin: null, qrSvg: null, expiresAt: null, noPinReason: 'noPinKeysOut' };
      }
      const pin = String(100000 + Math.floor(Math.random() * 900000));
      ticket = { ...base, pin, qrSvg: fakeQr(pin), expiresAt: new Date(Date.now() + 15 * 60000).toISOString(), noPinReason: null };
      return { ...ticket };
    },
    cancel_pin: () => { ticket = null; return null; },
    simulate_door: () => {
      if (!info.simulateAvailable) fail('notAllowed', 'simulateNotAllowed');
      if (!ticket || !ticket.pin) fail('notAllowed', 'noPinToSimulate');
      const t = ticket;
      setTimeout(() => {
        const a = appointments.find((x) => x.id === t.appointmentId);
        const action = t.action === 'dropBack' ? 'dropoff' : 'checkout';
        const ev = { ...event(0, 1 + Math.floor(Math.random() * 16), action, a ? `${a.licensePlate || ''} ${a.customerName || ''}`.trim() : null, t.lockerId), matchesPin: true };
        events.unshift(ev);
        if (a) a.keysInLocker = action === 'dropoff';
        // The door of the PIN on screen comes only as pin://opened, carrying the event.
        const { qrSvg, ...withoutQr } = t;
        emit('pin://opened', { ticket: withoutQr, event: ev });
        ticket = null;
      }, 400);
      return null;
    },
    recent_events: ({ limit } = {}) => events.slice(0, limit || 20).map((e) => ({ ...e })),
    get_settings: () => {
      if (info.kiosk && !unlocked) fail('notAllowed', 'adminLocked');
      return { ...settings };
    },
    save_settings: ({ settings: s }) => {
      if (info.kiosk && !unlocked) fail('notAllowed', 'adminLocked');
      // The first refused field, as the backend refuses the whole input.
      if (s.apiBaseUrl && !/^https?:\/\/\S+$/.test(s.apiBaseUrl)) fail('invalidInput', 'settingUrlScheme', 'apiBaseUrl');
      if (!Number.isSafeInteger(s.locationId) || s.locationId <= 0) fail('invalidInput', 'settingLocation', 'locationId');
      if (!Number.isSafeInteger(s.activePollMs) || s.activePollMs < 200 || s.activePollMs > 10000) fail('invalidInput', 'settingActivePoll', 'activePollMs');
      if (!Number.isSafeInteger(s.idlePollMs) || s.idlePollMs < 2000 || s.idlePollMs > 600000) fail('invalidInput', 'settingIdlePoll', 'idlePollMs');
      if (s.adminPin && !/^\d{4,8}$/.test(s.adminPin)) fail('invalidInput', 'settingAdminPin', 'adminPin');
      const { token, adminPin, ...rest } = s;
      settings = { ...settings, ...rest, tokenSet: settings.tokenSet || Boolean(token), adminPinSet: settings.adminPinSet || Boolean(adminPin) };
      info.language = settings.language;
      info.kiosk = settings.kioskMode;
      info.mode = settings.apiBaseUrl ? 'live' : 'demo';
      info.apiBase = settings.apiBaseUrl || info.apiBase;
      return { ...settings };
    },
    unlock_admin: ({ pin }) => (unlocked = pin === '1234'),
    lock_admin: () => { unlocked = false; return null; },
    log_ui_error: ({ message }) => { console.warn('(mock) UI error logged:', message); return null; },
    quit_app: () => {
      if (info.kiosk && !unlocked) fail('notAllowed', 'adminLocked');
      document.body.textContent = '(mock) the app would exit now.';
      return null;
    },
  };

  const calls = []; // every command seen, for browser-driven checks of the UI
  async function invoke(cmd, args) {
    calls.push(cmd);
    await new Promise((r) => setTimeout(r, LATENCY));
    const fn = commands[cmd];
    if (!fn) throw { kind: 'internal', detail: `Unknown command ${cmd}` };
    if (failKind && DATA_COMMANDS.has(cmd) && failLeft > 0) {
      failLeft -= 1;
      if (failLeft === 0) setTimeout(() => emit('connection://status', commands.connection_status()), 50);
      throw { kind: failKind, code: failKind };
    }
    return fn(args || {});
  }

  async function listen(name, cb) {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(cb);
    return () => listeners.get(name).delete(cb);
  }

  // Keep the connection pill alive like the real poller does.
  setInterval(() => {
    const s = commands.connection_status();
    if (s.state === 'ok') s.latencyMs = 60 + Math.floor(Math.random() * 80);
    emit('connection://status', s);
  }, 10000);

  window.__TAURI__ = { core: { invoke }, event: { listen } };
  window.__mockTauri = { emit, calls, state: { appointments, lockers, events, info } };
  if (q.get('screen')) {
    window.__KIOSK_PREVIEW__ = { screen: q.get('screen'), action: q.get('action') || null };
  }
})();
