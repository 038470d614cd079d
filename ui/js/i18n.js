// All user-facing words. One catalogue per language, same keys in each.
// t('key', {name: value}) fills {name} placeholders.

const en = {
  'app.name': 'ACSES Key Locker',

  'bar.location.loading': 'Loading location…',
  'bar.location.id': 'Location {id}',
  'bar.demo': 'DEMO',
  'bar.demo.hint': 'Demo: simulated locker, no real doors',
  'bar.demo.sub': 'Simulated locker, no real doors',
  'bar.settings': 'Settings',
  'bar.home': 'Home',

  'conn.connecting': 'Connecting…',
  'conn.ok': 'Online',
  'conn.offline': 'Offline',
  'conn.unauthorized': 'Token rejected',
  'conn.rateLimited': 'Rate limited',
  'conn.maintenance': 'Maintenance',
  'conn.error': 'Service error',
  'conn.latency': 'Response time {ms} ms',
  'conn.lastOk': 'Last contact {time}',

  'action.pickup': 'Pick up keys',
  'action.pickup.hint': 'Take a car’s keys out of the locker to work on it',
  'action.pickup.done': 'keys picked up',
  'action.dropBack': 'Return keys',
  'action.dropBack.hint': 'Put the keys back in the locker after the job',
  'action.dropBack.done': 'keys returned',
  'action.assistPickup': 'Customer pickup',
  'action.assistPickup.hint': 'Help a customer collect their keys',
  'action.assistPickup.done': 'keys collected by the customer',

  'home.feed.title': 'Latest door events',
  'home.feed.all': 'All activity',
  'home.feed.loading': 'Loading door events…',
  'home.feed.empty': 'No door events yet. They appear here the moment a door opens.',
  'home.scanned.title': 'Appointment {id}',
  'home.scanned.hint': 'Scanned. What do you want to do?',
  'home.scanned.looking': 'Looking up appointment {id}…',
  'home.scanned.clear': 'Clear',

  'door.dropoff': 'keys put in',
  'door.checkout': 'keys taken out',
  'door.expired': 'PIN expired',
  'door.registered': 'booking registered',
  'door.unknown': 'door event',
  'door.cell': 'cell {cell}',
  'door.noTime': '–:–',
  'door.yourPin': 'this PIN',

  'appt.subtitle': 'Choose the appointment',
  'appt.search.label': 'Search appointments',
  'appt.search.placeholder': 'Search plate, name or number',
  'appt.loading': 'Loading today’s appointments…',
  'appt.empty': 'No appointments today.',
  'appt.empty.hint': 'Type the appointment number on the keypad, or scan the job card.',
  'appt.noMatch': 'No appointment matches “{q}”.',
  'appt.useNumber': 'Use appointment number {id}',
  'appt.keys.in': 'Keys in locker',
  'appt.keys.out': 'Keys not in locker',
  'appt.keys.unknown': 'Keys: unknown',
  'appt.noPlate': 'No plate',
  'appt.noName': 'Customer unknown',
  'appt.noTime': 'Any time',
  'appt.number': 'No. {id}',
  'appt.count': '{n} appointments today',
  'appt.count.one': '1 appointment today',
  'appt.keypad.title': 'Appointment number',
  'appt.keypad.hint': 'Type the number on the job card, or scan it.',
  'appt.looking': 'Looking up appointment {id}…',
  'appt.scanner': 'Scanner ready',

  'locker.title': 'Choose the locker',
  'locker.subtitle': 'Which locker do the keys go back into?',
  'locker.loading': 'Loading lockers…',
  'locker.empty': 'This location has no active locker.',
  'locker.id': 'Locker {id}',
  'locker.note.toggle': 'Add a note number (optional)',
  'locker.note.title': 'Appointment note number',
  'locker.note.value': 'Note {id}',
  'locker.note.remove': 'Remove note',

  'pin.label': 'PIN',
  'pin.hint': 'Type this PIN on the locker',
  'pin.qr.caption': 'For staff scanners',
  'pin.waiting': 'Waiting for the door to open…',
  'pin.opened': 'Cell {cell} opened — {what}',
  'pin.backIn': 'Back to the start in {s} s',
  'pin.expired.title': 'This PIN has expired',
  'pin.expired.hint': 'Start again to get a new PIN.',
  'pin.noPin.title': 'No PIN issued',
  'pin.noPin.default': 'The locker service did not issue a PIN for this appointment.',
  'pin.locker': 'Locker: {name}',
  'pin.note': 'Note {id}',
  'pin.validUntil': 'Valid until {time}',
  'pin.hidesIn': 'PIN hidden in {time}',
  'pin.simulate': 'Simulate door (demo)',
  'pin.simulate.dev': 'Simulate door (dev)',
  'pin.simulate.hint': 'Developer tool: pretends someone opened the door with this PIN',

  'activity.title': 'Door activity',
  'activity.subtitle': 'All door events of this location, newest first',
  'activity.loading': 'Loading door events…',
  'activity.empty': 'No door events yet.',
  'activity.col.time': 'Time',
  'activity.col.cell': 'Cell',
  'activity.col.what': 'What happened',
  'activity.col.booking': 'Booking',
  'activity.booking.none': '–',
  'activity.count': '{n} events',
  'activity.count.one': '1 event',

  'settings.title': 'Settings',
  'settings.locked.title': 'Administrator PIN',
  'settings.locked.hint': 'Type the admin PIN to open the settings.',
  'settings.locked.wrong': 'That PIN is not right. Try again.',
  'settings.loading': 'Loading settings…',
  'settings.section.service': 'Locker service',
  'settings.section.kiosk': 'This kiosk',
  'settings.section.advanced': 'Advanced',
  'settings.apiBase': 'API base URL',
  'settings.apiBase.hint': 'Empty = demo mode with a simulated locker',
  'settings.apiBase.placeholder': 'https://…  (empty = demo)',
  'settings.token': 'API token',
  'settings.token.set': '•••• set',
  'settings.token.unset': 'Not set',
  'settings.token.hint': 'Write-only: the token is never shown. Leave empty to keep it.',
  'settings.location': 'Location ID',
  'settings.defaultLocker': 'Default locker ID',
  'settings.defaultLocker.hint': 'Empty = the location’s first active locker',
  'settings.language': 'Language',
  'settings.language.hint': 'Applies right away',
  'settings.kioskMode': 'Kiosk mode',
  'settings.kioskMode.hint': 'Full screen, back to the start after a minute, settings behind the admin PIN',
  'settings.activePoll': 'Poll interval while a PIN is shown (ms)',
  'settings.idlePoll': 'Poll interval otherwise (ms)',
  'settings.devMode': 'Developer mode',
  'settings.devMode.hint': 'Allows simulating doors',
  'settings.adminPin': 'New admin PIN',
  'settings.adminPin.hint': 'Digits only. Empty = keep the current PIN.',
  'settings.adminPin.none': 'No admin PIN set yet.',
  'settings.save': 'Save settings',
  'settings.saved': 'Settings saved.',
  'settings.invalid': 'Please check the settings:',
  'settings.invalid.number': '{field}: must be a whole number.',
  'settings.quit': 'Quit kiosk',
  'settings.quit.hint': 'Closes the kiosk program.',
  'settings.about': 'About',
  'about.version': 'Version',
  'about.mode': 'Mode',
  'about.mode.demo': 'Demo (simulated locker)',
  'about.mode.live': 'Live',
  'about.api': 'API base',
  'about.api.none': 'Built-in demo service',
  'about.location': 'Location',
  'about.kiosk': 'Kiosk mode',

  'common.back': 'Back',
  'common.cancel': 'Cancel',
  'common.done': 'Done',
  'common.retry': 'Try again',
  'common.retryIn': 'Trying again in {s} s…',
  'common.retrying': 'Trying again…',
  'common.on': 'On',
  'common.off': 'Off',
  'common.yes': 'Yes',
  'common.no': 'No',

  'keypad.delete': 'Delete',
  'keypad.clear': 'Clear',
  'keypad.ok': 'OK',
  'keypad.empty': 'Type a number',

  'error.unauthorized': 'The kiosk’s API token was rejected. Ask an administrator to check the settings.',
  'error.rateLimited': 'The locker service is busy. Trying again in a moment.',
  'error.maintenance': 'The locker service is down for maintenance. Please try again later.',
  'error.server': 'The locker service had a problem. Please try again.',
  'error.offline': 'Cannot reach the locker service. Check the network.',
  'error.notFound': 'Appointment not found.',
  'error.badRequest': 'The locker service refused the request.',
  'error.invalidInput': 'Some input is not valid.',
  'error.busy': 'Still working on it…',
  'error.notAllowed': 'This is not allowed here.',
  'error.internal': 'Something went wrong.',
  'error.noBackend': 'The kiosk program is not running behind this screen.',
  'error.noLocker': 'This location has no active locker.',
};

const nl = {
  'app.name': 'ACSES Sleutelkluis',

  'bar.location.loading': 'Locatie laden…',
  'bar.location.id': 'Locatie {id}',
  'bar.demo': 'DEMO',
  'bar.demo.hint': 'Demo: gesimuleerde kluis, geen echte deuren',
  'bar.demo.sub': 'Gesimuleerde kluis, geen echte deuren',
  'bar.settings': 'Instellingen',
  'bar.home': 'Start',

  'conn.connecting': 'Verbinden…',
  'conn.ok': 'Online',
  'conn.offline': 'Offline',
  'conn.unauthorized': 'Token geweigerd',
  'conn.rateLimited': 'Te veel verzoeken',
  'conn.maintenance': 'Onderhoud',
  'conn.error': 'Storing',
  'conn.latency': 'Reactietijd {ms} ms',
  'conn.lastOk': 'Laatste contact {time}',

  'action.pickup': 'Sleutels ophalen',
  'action.pickup.hint': 'Sleutels van een auto uit de kluis halen om eraan te werken',
  'action.pickup.done': 'sleutels opgehaald',
  'action.dropBack': 'Sleutels terugleggen',
  'action.dropBack.hint': 'De sleutels na de klus terug in de kluis leggen',
  'action.dropBack.done': 'sleutels teruggelegd',
  'action.assistPickup': 'Ophalen door klant',
  'action.assistPickup.hint': 'Een klant helpen de sleutels op te halen',
  'action.assistPickup.done': 'sleutels opgehaald door de klant',

  'home.feed.title': 'Laatste deurgebeurtenissen',
  'home.feed.all': 'Alle activiteit',
  'home.feed.loading': 'Deurgebeurtenissen laden…',
  'home.feed.empty': 'Nog geen deurgebeurtenissen. Ze verschijnen hier zodra een deur opengaat.',
  'home.scanned.title': 'Afspraak {id}',
  'home.scanned.hint': 'Gescand. Wat wilt u doen?',
  'home.scanned.looking': 'Afspraak {id} opzoeken…',
  'home.scanned.clear': 'Wissen',

  'door.dropoff': 'sleutels erin gelegd',
  'door.checkout': 'sleutels eruit gehaald',
  'door.expired': 'PIN verlopen',
  'door.registered': 'boeking geregistreerd',
  'door.unknown': 'deurgebeurtenis',
  'door.cell': 'vak {cell}',
  'door.noTime': '–:–',
  'door.yourPin': 'deze PIN',

  'appt.subtitle': 'Kies de afspraak',
  'appt.search.label': 'Afspraken zoeken',
  'appt.search.placeholder': 'Zoek kenteken, naam of nummer',
  'appt.loading': 'Afspraken van vandaag laden…',
  'appt.empty': 'Vandaag geen afspraken.',
  'appt.empty.hint': 'Typ het afspraaknummer op het toetsenblok, of scan de werkorder.',
  'appt.noMatch': 'Geen afspraak gevonden voor “{q}”.',
  'appt.useNumber': 'Afspraaknummer {id} gebruiken',
  'appt.keys.in': 'Sleutels in kluis',
  'appt.keys.out': 'Sleutels niet in kluis',
  'appt.keys.unknown': 'Sleutels: onbekend',
  'appt.noPlate': 'Geen kenteken',
  'appt.noName': 'Klant onbekend',
  'appt.noTime': 'Geen tijd',
  'appt.number': 'Nr. {id}',
  'appt.count': '{n} afspraken vandaag',
  'appt.count.one': '1 afspraak vandaag',
  'appt.keypad.title': 'Afspraaknummer',
  'appt.keypad.hint': 'Typ het nummer van de werkorder, of scan het.',
  'appt.looking': 'Afspraak {id} opzoeken…',
  'appt.scanner': 'Scanner gereed',

  'locker.title': 'Kies de kluis',
  'locker.subtitle': 'In welke kluis gaan de sleutels terug?',
  'locker.loading': 'Kluizen laden…',
  'locker.empty': 'Deze locatie heeft geen actieve kluis.',
  'locker.id': 'Kluis {id}',
  'locker.note.toggle': 'Notitienummer toevoegen (optioneel)',
  'locker.note.title': 'Notitienummer van de afspraak',
  'locker.note.value': 'Notitie {id}',
  'locker.note.remove': 'Notitie verwijderen',

  'pin.label': 'PIN',
  'pin.hint': 'Typ deze PIN op de kluis',
  'pin.qr.caption': 'Voor scanners van medewerkers',
  'pin.waiting': 'Wachten tot de deur opengaat…',
  'pin.opened': 'Vak {cell} geopend — {what}',
  'pin.backIn': 'Terug naar het begin over {s} s',
  'pin.expired.title': 'Deze PIN is verlopen',
  'pin.expired.hint': 'Begin opnieuw voor een nieuwe PIN.',
  'pin.noPin.title': 'Geen PIN uitgegeven',
  'pin.noPin.default': 'De kluisdienst heeft geen PIN voor deze afspraak uitgegeven.',
  'pin.locker': 'Kluis: {name}',
  'pin.note': 'Notitie {id}',
  'pin.validUntil': 'Geldig tot {time}',
  'pin.hidesIn': 'PIN verdwijnt over {time}',
  'pin.simulate': 'Deur simuleren (demo)',
  'pin.simulate.dev': 'Deur simuleren (dev)',
  'pin.simulate.hint': 'Ontwikkeltool: doet alsof iemand de deur met deze PIN opende',

  'activity.title': 'Deuractiviteit',
  'activity.subtitle': 'Alle deurgebeurtenissen van deze locatie, nieuwste eerst',
  'activity.loading': 'Deurgebeurtenissen laden…',
  'activity.empty': 'Nog geen deurgebeurtenissen.',
  'activity.col.time': 'Tijd',
  'activity.col.cell': 'Vak',
  'activity.col.what': 'Wat gebeurde er',
  'activity.col.booking': 'Boeking',
  'activity.booking.none': '–',
  'activity.count': '{n} gebeurtenissen',
  'activity.count.one': '1 gebeurtenis',

  'settings.title': 'Instellingen',
  'settings.locked.title': 'Beheerders-PIN',
  'settings.locked.hint': 'Typ de beheerders-PIN om de instellingen te openen.',
  'settings.locked.wrong': 'Die PIN klopt niet. Probeer het opnieuw.',
  'settings.loading': 'Instellingen laden…',
  'settings.section.service': 'Kluisdienst',
  'settings.section.kiosk': 'Deze kiosk',
  'settings.section.advanced': 'Geavanceerd',
  'settings.apiBase': 'API-basis-URL',
  'settings.apiBase.hint': 'Leeg = demomodus met een gesimuleerde kluis',
  'settings.apiBase.placeholder': 'https://…  (leeg = demo)',
  'settings.token': 'API-token',
  'settings.token.set': '•••• ingesteld',
  'settings.token.unset': 'Niet ingesteld',
  'settings.token.hint': 'Alleen schrijven: het token wordt nooit getoond. Leeg laten om het te houden.',
  'settings.location': 'Locatie-ID',
  'settings.defaultLocker': 'Standaardkluis-ID',
  'settings.defaultLocker.hint': 'Leeg = de eerste actieve kluis van de locatie',
  'settings.language': 'Taal',
  'settings.language.hint': 'Direct van kracht',
  'settings.kioskMode': 'Kioskmodus',
  'settings.kioskMode.hint': 'Volledig scherm, na een minuut terug naar het begin, instellingen achter de beheerders-PIN',
  'settings.activePoll': 'Pollinterval terwijl een PIN getoond wordt (ms)',
  'settings.idlePoll': 'Pollinterval anders (ms)',
  'settings.devMode': 'Ontwikkelaarsmodus',
  'settings.devMode.hint': 'Maakt het simuleren van deuren mogelijk',
  'settings.adminPin': 'Nieuwe beheerders-PIN',
  'settings.adminPin.hint': 'Alleen cijfers. Leeg = huidige PIN houden.',
  'settings.adminPin.none': 'Nog geen beheerders-PIN ingesteld.',
  'settings.save': 'Instellingen opslaan',
  'settings.saved': 'Instellingen opgeslagen.',
  'settings.invalid': 'Controleer de instellingen:',
  'settings.invalid.number': '{field}: moet een heel getal zijn.',
  'settings.quit': 'Kiosk afsluiten',
  'settings.quit.hint': 'Sluit het kioskprogramma af.',
  'settings.about': 'Over',
  'about.version': 'Versie',
  'about.mode': 'Modus',
  'about.mode.demo': 'Demo (gesimuleerde kluis)',
  'about.mode.live': 'Live',
  'about.api': 'API-basis',
  'about.api.none': 'Ingebouwde demodienst',
  'about.location': 'Locatie',
  'about.kiosk': 'Kioskmodus',

  'common.back': 'Terug',
  'common.cancel': 'Annuleren',
  'common.done': 'Klaar',
  'common.retry': 'Opnieuw proberen',
  'common.retryIn': 'Opnieuw proberen over {s} s…',
  'common.retrying': 'Opnieuw proberen…',
  'common.on': 'Aan',
  'common.off': 'Uit',
  'common.yes': 'Ja',
  'common.no': 'Nee',

  'keypad.delete': 'Wissen',
  'keypad.clear': 'Leegmaken',
  'keypad.ok': 'OK',
  'keypad.empty': 'Typ een nummer',

  'error.unauthorized': 'Het API-token van de kiosk is geweigerd. Vraag een beheerder de instellingen te controleren.',
  'error.rateLimited': 'De kluisdienst is druk. Zo meteen wordt het opnieuw geprobeerd.',
  'error.maintenance': 'De kluisdienst is in onderhoud. Probeer het later opnieuw.',
  'error.server': 'De kluisdienst had een probleem. Probeer het opnieuw.',
  'error.offline': 'De kluisdienst is niet bereikbaar. Controleer het netwerk.',
  'error.notFound': 'Afspraak niet gevonden.',
  'error.badRequest': 'De kluisdienst heeft het verzoek geweigerd.',
  'error.invalidInput': 'Niet alle invoer is geldig.',
  'error.busy': 'Nog bezig…',
  'error.notAllowed': 'Dit is hier niet toegestaan.',
  'error.internal': 'Er ging iets mis.',
  'error.noBackend': 'Het kioskprogramma draait niet achter dit scherm.',
  'error.noLocker': 'Deze locatie heeft geen actieve kluis.',
};

export const catalogues = Object.freeze({ en, nl });
export const LANGUAGES = Object.freeze(['en', 'nl']);

const STORE_KEY = 'acses-kiosk.language';
let current = initialLanguage();

function initialLanguage() {
  // Remember the last language so the shell does not flash English before app_info answers.
  try {
    const saved = window.localStorage.getItem(STORE_KEY);
    if (saved && catalogues[saved]) return saved;
  } catch {
    /* storage unavailable: fall through */
  }
  const nav = (navigator.language || '').toLowerCase();
  return nav.startsWith('nl') ? 'nl' : 'en';
}

export function language() {
  return current;
}

/** Switch language; returns true when it changed. */
export function setLanguage(lang) {
  if (!catalogues[lang] || lang === current) return false;
  current = lang;
  document.documentElement.lang = lang;
  try {
    window.localStorage.setItem(STORE_KEY, lang);
  } catch {
    /* ignore */
  }
  return true;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalogues[current], key) ||
    Object.prototype.hasOwnProperty.call(en, key);
}

export function t(key, params) {
  const table = catalogues[current] || en;
  let text = table[key];
  if (text == null) text = en[key];
  if (text == null) return key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (m, name) =>
      params[name] == null ? m : String(params[name]));
  }
  return text;
}

function locale() {
  return current === 'nl' ? 'nl-NL' : 'en-GB';
}

function parseDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "10:42" (24 h), or null for a missing/invalid timestamp. */
export function formatTime(iso) {
  const d = iso instanceof Date ? iso : parseDate(iso);
  if (!d) return null;
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

/** Short day, e.g. "Fri 28 Nov"; null when invalid. */
export function formatDay(iso) {
  const d = iso instanceof Date ? iso : parseDate(iso);
  if (!d) return null;
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short' }).format(d);
}

export function isToday(iso) {
  const d = parseDate(iso);
  if (!d) return false;
  const now = new Date();
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() &&
    d.getDate() === now.getDate();
}

/** "4:05" for 245 seconds. */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.ceil(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

document.documentElement.lang = current;
