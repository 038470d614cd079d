// Every sentence a person reads on screen, the backend's too. One catalogue per
// language, same keys in each (ui-dev/tests/i18n.test.mjs fails when they differ).
// t('key', {name: value}) fills {name} placeholders. The backend sends codes, not
// sentences: an error's or a connection's `code` is worded by `error.<code>`
// (kiosk-core's text.rs lists them; its tests fail when one is missing here), a
// door event's `action` by `door.<action>`.

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
  'conn.health': '{time} · {ms} ms',
  'conn.health.stale': 'Last {time}',
  'conn.health.never': 'No contact yet',
  'conn.health.label': 'Last successful check {time}, response time {ms} milliseconds',

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
  'door.unknown': 'unknown event',
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
  'pin.digits.label': 'PIN {digits}',
  'pin.hint': 'Type this PIN on the locker',
  'pin.qr.caption': 'For staff scanners',
  'pin.qr.label': 'QR code of the PIN',
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

  // By kind, for an error whose code this catalogue does not know.
  'error.invalidInput': 'Some input is not valid.',
  'error.notAllowed': 'This is not allowed here.',
  'error.noBackend': 'The kiosk program is not running behind this screen.',

  // The codes the core sends (kiosk-core’s text.rs, whose tests fail when one is missing here);
  // unauthorized ... internal are also error kinds.
  'error.unauthorized': 'The kiosk’s API token was rejected. Ask an administrator to check the settings.',
  'error.rateLimited': 'The locker service is busy right now. Trying again in a moment.',
  'error.maintenance': 'The locker service is down for maintenance. Please try again later.',
  'error.server': 'The locker service had a problem. Please try again.',
  'error.offline': 'Cannot reach the locker service. Check the network connection.',
  'error.notFound': 'Appointment not found.',
  'error.badRequest': 'The locker service did not accept the request.',
  'error.internal': 'Something went wrong.',
  'error.methodNotAllowed': 'The locker service refused the request. The kiosk may need an update.',
  'error.unreadableAnswer': 'The locker service sent an answer the kiosk does not understand.',
  'error.config': 'The kiosk’s connection settings are not valid. Ask an administrator.',
  'error.busy': 'That request is already on its way.',
  'error.simulateNotAllowed': 'Opening a door by simulation is only possible in demo or developer mode.',
  'error.noPinToSimulate': 'There is no PIN on screen to open a door with.',
  'error.adminLocked': 'Enter the administrator PIN first.',
  'error.adminPinRequired': 'A kiosk needs an administrator PIN: set one (4 to 8 digits) before anything else.',
  'error.noLocker': 'This location has no active locker.',
  'error.severalLockers': 'This location has several key lockers. Choose one.',
  'error.invalidAppointment': 'The appointment number must be a positive number.',
  'error.invalidNote': 'The note number must be a positive number.',
  'error.invalidLocker': 'The locker id is not valid.',
  'error.noPinKeysOut': 'The locker service gave no PIN: the keys for this appointment are not in the locker.',
  'error.noPinNoCell': 'The locker service gave no PIN: no cell could be reserved for these keys. Ask the service desk.',
  'error.settingUrlParse': 'This is not a web address (example: https://claire.example/api/acses).',
  'error.settingUrlScheme': 'The address must start with https:// (or http:// for this computer only).',
  'error.settingUrlHttps': 'Only addresses on this computer may use http://; use https://.',
  'error.settingUrlHost': 'The address has no host name.',
  'error.settingLocation': 'The location number must be greater than 0.',
  'error.settingLocker': 'Leave the locker empty or give its id (letters and digits, at most 64).',
  'error.settingLanguage': 'The language must be "en" or "nl".',
  'error.settingActivePoll': 'The fast check interval must be between 200 and 10000 ms.',
  'error.settingIdlePoll': 'The idle check interval must be between 2000 and 600000 ms.',
  'error.settingPollOrder': 'The fast check interval cannot be longer than the idle one.',
  'error.settingAdminPin': 'The administrator PIN must be 4 to 8 digits.',
  'error.settingToken': 'The API token cannot contain spaces or line breaks.',
  'error.settingHash': 'The administrator PIN could not be stored.',
  'error.noToken': 'The kiosk has no API token yet. Ask an administrator to enter it in the settings.',
  'error.saveFailed': 'The settings are in use but could not be written to disk; they will be lost on restart.',
};

const nl = {
  'app.name': 'ACSES Sleutelkluis',

  'bar.location.loading': 'Vestiging laden…',
  'bar.location.id': 'Vestiging {id}',
  'bar.demo': 'DEMO',
  'bar.demo.hint': 'Demo: oefenkluis, geen echte deuren',
  'bar.demo.sub': 'Oefenkluis, geen echte deuren',
  'bar.settings': 'Instellingen',
  'bar.home': 'Start',

  'conn.connecting': 'Verbinden…',
  'conn.ok': 'Verbonden',
  'conn.offline': 'Geen verbinding',
  'conn.unauthorized': 'Token geweigerd',
  'conn.rateLimited': 'Even druk',
  'conn.maintenance': 'Onderhoud',
  'conn.error': 'Storing',
  'conn.latency': 'Reactietijd {ms} ms',
  'conn.lastOk': 'Laatste contact {time}',
  'conn.health': '{time} · {ms} ms',
  'conn.health.stale': 'Laatst {time}',
  'conn.health.never': 'Nog geen contact',
  'conn.health.label': 'Laatste geslaagde controle {time}, reactietijd {ms} milliseconden',

  'action.pickup': 'Sleutel ophalen',
  'action.pickup.hint': 'Autosleutel uit de kluis halen om aan de auto te werken',
  'action.pickup.done': 'sleutel opgehaald',
  'action.dropBack': 'Sleutel terugbrengen',
  'action.dropBack.hint': 'Na de klus de sleutel terug in de kluis leggen',
  'action.dropBack.done': 'sleutel teruggebracht',
  'action.assistPickup': 'Afhalen door klant',
  'action.assistPickup.hint': 'Een klant helpen de sleutel uit de kluis te halen',
  'action.assistPickup.done': 'sleutel afgehaald door de klant',

  'home.feed.title': 'Laatste deurmeldingen',
  'home.feed.all': 'Alle activiteit',
  'home.feed.loading': 'Deurmeldingen laden…',
  'home.feed.empty': 'Nog geen deurmeldingen. Ze verschijnen hier zodra een deur opengaat.',
  'home.scanned.title': 'Afspraak {id}',
  'home.scanned.hint': 'Gescand. Wat wil je doen?',
  'home.scanned.looking': 'Afspraak {id} opzoeken…',
  'home.scanned.clear': 'Wissen',

  'door.dropoff': 'sleutel in de kluis gelegd',
  'door.checkout': 'sleutel uit de kluis gehaald',
  'door.expired': 'pincode verlopen',
  'door.registered': 'reservering aangemaakt',
  'door.unknown': 'onbekende gebeurtenis',
  'door.cell': 'vak {cell}',
  'door.noTime': '–:–',
  'door.yourPin': 'deze pincode',

  'appt.subtitle': 'Kies de afspraak',
  'appt.search.label': 'Afspraken zoeken',
  'appt.search.placeholder': 'Zoek op kenteken, naam of nummer',
  'appt.loading': 'Afspraken van vandaag laden…',
  'appt.empty': 'Vandaag geen afspraken.',
  'appt.empty.hint': 'Toets het afspraaknummer in, of scan de werkorder.',
  'appt.noMatch': 'Geen afspraak gevonden voor “{q}”.',
  'appt.useNumber': 'Afspraaknummer {id} gebruiken',
  'appt.keys.in': 'Sleutel in kluis',
  'appt.keys.out': 'Sleutel niet in kluis',
  'appt.keys.unknown': 'Sleutel: onbekend',
  'appt.noPlate': 'Geen kenteken',
  'appt.noName': 'Klant onbekend',
  'appt.noTime': 'Hele dag',
  'appt.number': 'Nr. {id}',
  'appt.count': '{n} afspraken vandaag',
  'appt.count.one': '1 afspraak vandaag',
  'appt.keypad.title': 'Afspraaknummer',
  'appt.keypad.hint': 'Toets het nummer van de werkorder in, of scan het.',
  'appt.looking': 'Afspraak {id} opzoeken…',
  'appt.scanner': 'Scanner klaar',

  'locker.title': 'Kies de kluis',
  'locker.subtitle': 'In welke kluis gaat de sleutel terug?',
  'locker.loading': 'Kluizen laden…',
  'locker.empty': 'Deze vestiging heeft geen actieve kluis.',
  'locker.id': 'Kluis {id}',
  'locker.note.toggle': 'Notitienummer toevoegen (mag leeg)',
  'locker.note.title': 'Notitienummer van de afspraak',
  'locker.note.value': 'Notitie {id}',
  'locker.note.remove': 'Notitie weghalen',

  'pin.label': 'Pincode',
  'pin.digits.label': 'Pincode {digits}',
  'pin.hint': 'Toets deze pincode in op de kluis',
  'pin.qr.caption': 'Voor scanners van de werkplaats',
  'pin.qr.label': 'QR-code van de pincode',
  'pin.waiting': 'Wachten tot de deur opengaat…',
  'pin.opened': 'Vak {cell} open — {what}',
  'pin.backIn': 'Over {s} s terug naar het begin',
  'pin.expired.title': 'Deze pincode is verlopen',
  'pin.expired.hint': 'Begin opnieuw voor een nieuwe pincode.',
  'pin.noPin.title': 'Geen pincode',
  'pin.noPin.default': 'De kluisdienst gaf geen pincode voor deze afspraak.',
  'pin.locker': 'Kluis: {name}',
  'pin.note': 'Notitie {id}',
  'pin.validUntil': 'Geldig tot {time}',
  'pin.hidesIn': 'Pincode verdwijnt over {time}',
  'pin.simulate': 'Deur nabootsen (demo)',
  'pin.simulate.dev': 'Deur nabootsen (dev)',
  'pin.simulate.hint': 'Voor ontwikkelaars: doet alsof iemand de deur met deze pincode opende',

  'activity.title': 'Deuractiviteit',
  'activity.subtitle': 'Alle deurmeldingen van deze vestiging, nieuwste eerst',
  'activity.loading': 'Deurmeldingen laden…',
  'activity.empty': 'Nog geen deurmeldingen.',
  'activity.col.time': 'Tijd',
  'activity.col.cell': 'Vak',
  'activity.col.what': 'Wat er gebeurde',
  'activity.col.booking': 'Reservering',
  'activity.booking.none': '–',
  'activity.count': '{n} meldingen',
  'activity.count.one': '1 melding',

  'settings.title': 'Instellingen',
  'settings.locked.title': 'Beheerderspincode',
  'settings.locked.hint': 'Toets de beheerderspincode in om de instellingen te openen.',
  'settings.locked.wrong': 'Die pincode klopt niet. Probeer het nog eens.',
  'settings.loading': 'Instellingen laden…',
  'settings.section.service': 'Kluisdienst',
  'settings.section.kiosk': 'Deze kiosk',
  'settings.section.advanced': 'Geavanceerd',
  'settings.apiBase': 'Adres van de API',
  'settings.apiBase.hint': 'Leeg = demo met een oefenkluis',
  'settings.apiBase.placeholder': 'https://…  (leeg = demo)',
  'settings.token': 'API-token',
  'settings.token.set': '•••• ingesteld',
  'settings.token.unset': 'Niet ingesteld',
  'settings.token.hint': 'Het token wordt nooit getoond. Laat leeg om het huidige te houden.',
  'settings.location': 'Vestigingsnummer',
  'settings.defaultLocker': 'Vaste kluis (nummer)',
  'settings.defaultLocker.hint': 'Leeg = de eerste actieve kluis van de vestiging',
  'settings.language': 'Taal',
  'settings.language.hint': 'Meteen van kracht',
  'settings.kioskMode': 'Kioskmodus',
  'settings.kioskMode.hint': 'Volledig scherm, na een minuut terug naar het begin, instellingen achter de beheerderspincode',
  'settings.activePoll': 'Controle-interval met een pincode op het scherm (ms)',
  'settings.idlePoll': 'Controle-interval in rust (ms)',
  'settings.devMode': 'Ontwikkelaarsmodus',
  'settings.devMode.hint': 'Maakt deuren nabootsen mogelijk',
  'settings.adminPin': 'Nieuwe beheerderspincode',
  'settings.adminPin.hint': 'Alleen cijfers. Leeg = huidige pincode houden.',
  'settings.adminPin.none': 'Nog geen beheerderspincode ingesteld.',
  'settings.save': 'Instellingen bewaren',
  'settings.saved': 'Instellingen bewaard.',
  'settings.invalid': 'Controleer de instellingen:',
  'settings.invalid.number': '{field}: moet een heel getal zijn.',
  'settings.quit': 'Kiosk afsluiten',
  'settings.quit.hint': 'Sluit het kioskprogramma af.',
  'settings.about': 'Over deze kiosk',
  'about.version': 'Versie',
  'about.mode': 'Modus',
  'about.mode.demo': 'Demo (oefenkluis)',
  'about.mode.live': 'Live',
  'about.api': 'API-adres',
  'about.api.none': 'Ingebouwde demodienst',
  'about.location': 'Vestiging',
  'about.kiosk': 'Kioskmodus',

  'common.back': 'Terug',
  'common.cancel': 'Annuleren',
  'common.done': 'Klaar',
  'common.retry': 'Opnieuw proberen',
  'common.retryIn': 'Over {s} s opnieuw…',
  'common.retrying': 'Opnieuw proberen…',
  'common.on': 'Aan',
  'common.off': 'Uit',
  'common.yes': 'Ja',
  'common.no': 'Nee',

  'keypad.delete': 'Laatste cijfer wissen',
  'keypad.clear': 'Wis',
  'keypad.ok': 'OK',
  'keypad.empty': 'Toets een nummer in',

  // By kind, for an error whose code this catalogue does not know.
  'error.invalidInput': 'Niet alles is goed ingevuld.',
  'error.notAllowed': 'Dat kan hier niet.',
  'error.noBackend': 'Het kioskprogramma draait niet achter dit scherm.',

  // The codes the core sends (kiosk-core’s text.rs, whose tests fail when one is missing here);
  // unauthorized ... internal are also error kinds.
  'error.unauthorized': 'Het API-token van de kiosk is geweigerd. Vraag een beheerder de instellingen te controleren.',
  'error.rateLimited': 'De kluisdienst heeft het nu te druk. De kiosk probeert het zo opnieuw.',
  'error.maintenance': 'De kluisdienst is in onderhoud. Probeer het later opnieuw.',
  'error.server': 'De kluisdienst had een storing. Probeer het opnieuw.',
  'error.offline': 'De kluisdienst is niet bereikbaar. Controleer de netwerkverbinding.',
  'error.notFound': 'Afspraak niet gevonden.',
  'error.badRequest': 'De kluisdienst heeft het verzoek niet aangenomen.',
  'error.internal': 'Er ging iets mis.',
  'error.methodNotAllowed': 'De kluisdienst weigerde het verzoek. Misschien heeft de kiosk een update nodig.',
  'error.unreadableAnswer': 'De kluisdienst stuurde een antwoord dat de kiosk niet begrijpt.',
  'error.config': 'De verbindingsinstellingen van de kiosk kloppen niet. Vraag een beheerder.',
  'error.busy': 'Dat verzoek is al onderweg.',
  'error.simulateNotAllowed': 'Een deur openen door simulatie kan alleen in demo- of ontwikkelaarsmodus.',
  'error.noPinToSimulate': 'Er staat geen pincode op het scherm om een deur mee te openen.',
  'error.adminLocked': 'Voer eerst de beheerderspincode in.',
  'error.adminPinRequired': 'Een kiosk heeft een beheerderspincode nodig: stel die eerst in (4 tot 8 cijfers).',
  'error.noLocker': 'Deze vestiging heeft geen actieve kluis.',
  'error.severalLockers': 'Deze vestiging heeft meerdere sleutelkluizen. Kies er een.',
  'error.invalidAppointment': 'Het afspraaknummer moet een positief getal zijn.',
  'error.invalidNote': 'Het notitienummer moet een positief getal zijn.',
  'error.invalidLocker': 'Het kluisnummer is niet geldig.',
  'error.noPinKeysOut': 'De kluisdienst gaf geen pincode: de sleutels van deze afspraak zitten niet in de kluis.',
  'error.noPinNoCell': 'De kluisdienst gaf geen pincode: er is geen vak vrij voor deze sleutels. Vraag het aan de balie.',
  'error.settingUrlParse': 'Dit is geen webadres (voorbeeld: https://claire.example/api/acses).',
  'error.settingUrlScheme': 'Het adres moet beginnen met https:// (of http:// voor alleen deze computer).',
  'error.settingUrlHttps': 'Alleen adressen op deze computer mogen http:// gebruiken; gebruik https://.',
  'error.settingUrlHost': 'Er staat geen servernaam in het adres.',
  'error.settingLocation': 'Het vestigingsnummer moet groter zijn dan 0.',
  'error.settingLocker': 'Laat de kluis leeg of vul het nummer in (letters en cijfers, hoogstens 64).',
  'error.settingLanguage': 'De taal moet "en" of "nl" zijn.',
  'error.settingActivePoll': 'Het snelle controle-interval moet tussen 200 en 10000 ms liggen.',
  'error.settingIdlePoll': 'Het rustige controle-interval moet tussen 2000 en 600000 ms liggen.',
  'error.settingPollOrder': 'Het snelle controle-interval mag niet langer zijn dan het rustige.',
  'error.settingAdminPin': 'De beheerderspincode moet 4 tot 8 cijfers hebben.',
  'error.settingToken': 'Het API-token mag geen spaties of regeleinden bevatten.',
  'error.settingHash': 'De beheerderspincode kon niet worden opgeslagen.',
  'error.noToken': 'De kiosk heeft nog geen API-token. Vraag een beheerder het in de instellingen in te vullen.',
  'error.saveFailed': 'De instellingen zijn actief, maar konden niet op schijf worden bewaard; na een herstart zijn ze weg.',
};

export const catalogues = Object.freeze({ en, nl });
export const LANGUAGES = Object.freeze(['en', 'nl']);

const STORE_KEY = 'acses-kiosk.language';
let current = initialLanguage();

// Guarded so the module also loads in node (the catalogue tests), where there is no DOM.
const hasDom = typeof document !== 'undefined';

function initialLanguage() {
  // Remember the last language so the shell does not flash English before app_info answers.
  try {
    const saved = window.localStorage.getItem(STORE_KEY);
    if (saved && catalogues[saved]) return saved;
  } catch {
    /* storage unavailable: fall through */
  }
  const nav = (typeof navigator !== 'undefined' && navigator.language || '').toLowerCase();
  return nav.startsWith('nl') ? 'nl' : 'en';
}

export function language() {
  return current;
}

/** Switch language; returns true when it changed. */
export function setLanguage(lang) {
  if (!catalogues[lang] || lang === current) return false;
  current = lang;
  if (hasDom) document.documentElement.lang = lang;
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

/** The sentence for a code the backend sent (`error.<code>`), or null for one we do not know. */
export function codeText(code) {
  return typeof code === 'string' && code && has(`error.${code}`) ? t(`error.${code}`) : null;
}

/**
 * The sentence to show for a normalised error { kind, code?, detail?, text? }:
 * `text` when the UI worded it itself, `detail` (words that are not ours, such
 * as the service's own reason for a 400) as it is, else the code's sentence, else
 * the kind's. A JavaScript Error's `message` is never shown: it is for the log.
 */
export function errorText(err) {
  if (!err) return t('error.internal');
  if (err.noBackend) return t('error.noBackend');
  if (typeof err.text === 'string' && err.text) return err.text;
  if (typeof err.detail === 'string' && err.detail) return err.detail;
  return codeText(err.code) || codeText(err.kind) || t('error.internal');
}

function locale() {
  return current === 'nl' ? 'nl-NL' : 'en-GB';
}

function parseDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Making an Intl.DateTimeFormat costs ten times what using one does (0.05 ms against 0.005 in
// this WebKit), and times are formatted on every poll, every clock tick and for every row of a
// list: one formatter per language and style, made once.
const formatters = new Map();
function dateFormat(style, options) {
  const key = `${locale()}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), options);
    formatters.set(key, f);
  }
  return f;
}

/** "10:42" (24 h), or null for a missing/invalid timestamp. */
export function formatTime(iso) {
  const d = iso instanceof Date ? iso : parseDate(iso);
  if (!d) return null;
  return dateFormat('time', { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

/** "10:42:05" (24 h), or null for a missing/invalid timestamp. */
export function formatTimeSeconds(iso) {
  const d = iso instanceof Date ? iso : parseDate(iso);
  if (!d) return null;
  return dateFormat('seconds', {
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(d);
}

/** Short day, e.g. "Fri 28 Nov"; null when invalid. */
export function formatDay(iso) {
  const d = iso instanceof Date ? iso : parseDate(iso);
  if (!d) return null;
  return dateFormat('day', { weekday: 'short', day: 'numeric', month: 'short' }).format(d);
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

if (hasDom) document.documentElement.lang = current;
