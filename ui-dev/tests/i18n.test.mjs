// The UI catalogues: same keys in every language, same {placeholders}, no empty
// strings, and every key the code asks for exists. Run: node --test ui-dev/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { catalogues, LANGUAGES } from '../../ui/js/i18n.js';

const here = dirname(fileURLToPath(import.meta.url));
const jsDir = join(here, '..', '..', 'ui', 'js');

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every language has exactly the keys of every other', () => {
  const all = new Set(LANGUAGES.flatMap((l) => Object.keys(catalogues[l])));
  for (const lang of LANGUAGES) {
    const missing = [...all].filter((k) => !(k in catalogues[lang]));
    assert.deepEqual(missing, [], `keys missing in ${lang}`);
  }
});

test('translations are not empty and keep their placeholders', () => {
  for (const key of Object.keys(catalogues.en)) {
    for (const lang of LANGUAGES) {
      const text = catalogues[lang][key];
      assert.equal(typeof text, 'string', `${lang} ${key}`);
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(catalogues.en[key]), `${lang} ${key}`);
    }
  }
});

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
}

test('every key the code asks for is in the catalogues', () => {
  const used = new Set();
  for (const file of sources(jsDir).filter((f) => !f.endsWith('i18n.js'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1]);
  }
  // Keys the code builds from a value (t(`conn.${state}`) ...): every value it can have.
  const built = [
    ...['connecting', 'ok', 'offline', 'unauthorized', 'rateLimited', 'maintenance', 'error'].map((s) => `conn.${s}`),
    ...['pickup', 'dropBack', 'assistPickup'].flatMap((a) => [`action.${a}`, `action.${a}.hint`, `action.${a}.done`]),
    ...['dropoff', 'checkout', 'expired', 'registered', 'unknown'].map((a) => `door.${a}`),
    ...['unauthorized', 'rateLimited', 'maintenance', 'server', 'offline', 'notFound', 'badRequest',
      'invalidInput', 'busy', 'notAllowed', 'internal'].map((k) => `error.${k}`),
  ];
  assert.ok(used.size > 100, `found only ${used.size} t('...') calls: is the scan broken?`);
  const missing = [...used, ...built].filter((k) => !LANGUAGES.every((l) => k in catalogues[l]));
  assert.deepEqual(missing, []);
});

test('the Dutch catalogue is Dutch, not English left behind', () => {
  // Words that may rightly read the same in both (names, units, abbreviations).
  const same = new Set(['bar.demo', 'door.noTime', 'activity.booking.none', 'keypad.ok', 'about.mode.live',
    'conn.health', 'conn.latency', 'settings.token', 'appt.number', 'appt.scanner', 'settings.kioskMode',
    'about.kiosk', 'home.scanned.title', 'settings.apiBase.placeholder', 'pin.note', 'locker.note.value']);
  const untranslated = Object.keys(catalogues.en)
    .filter((k) => !same.has(k) && catalogues.nl[k] === catalogues.en[k]);
  assert.deepEqual(untranslated, []);
});

// --- The backend's codes (kiosk-core's text.rs checks that each has an `error.<code>` entry) ---

/** The numbers, addresses and quoted values of a sentence: a translation must keep them. */
function facts(s) {
  const numbers = s.split(/\D+/).filter(Boolean);
  const words = s.split(/\s+/)
    .filter((w) => w.includes('://') || w.startsWith('"'))
    .map((w) => w.replace(/[.,;)]+$/, ''));
  return [...numbers, ...words].sort();
}

test('error sentences keep their numbers, addresses and shape in every language', () => {
  const errors = Object.keys(catalogues.en).filter((k) => k.startsWith('error.'));
  assert.ok(errors.length > 40, `only ${errors.length} error sentences`);
  for (const key of errors) {
    for (const lang of LANGUAGES) {
      const text = catalogues[lang][key];
      assert.deepEqual(facts(text), facts(catalogues.en[key]), `${lang} ${key}`);
      // A full sentence stays one in translation.
      assert.equal(text.endsWith('.') || text.endsWith('…'), catalogues.en[key].endsWith('.') || catalogues.en[key].endsWith('…'), `${lang} ${key}`);
    }
  }
});

test('the sentences say what the workshop needs to hear', () => {
  assert.match(catalogues.en['error.unauthorized'], /check the settings/);
  assert.match(catalogues.en['error.noToken'], /no API token/);
  assert.match(catalogues.en['error.noPinKeysOut'], /not in the locker/);
  assert.match(catalogues.en['error.offline'], /Cannot reach/);
  assert.match(catalogues.nl['error.offline'], /niet bereikbaar/);
  assert.match(catalogues.nl['error.settingLocation'], /vestigingsnummer moet groter zijn dan 0/);
});

test('errors are worded from their code in the language in force; words not ours pass as they are', async () => {
  const { errorText, codeText, setLanguage, language } = await import('../../ui/js/i18n.js');
  const before = language();
  try {
    setLanguage('nl');
    const refused = { kind: 'invalidInput', code: 'invalidAppointment' };
    assert.equal(errorText(refused), catalogues.nl['error.invalidAppointment']);
    assert.equal(errorText({ kind: 'unauthorized', code: 'unauthorized' }), catalogues.nl['error.unauthorized']);
    // The service's own reason for a 400 is not ours to translate.
    const server = { kind: 'badRequest', code: 'badRequest', detail: 'appointment 7 has no keys' };
    assert.equal(errorText(server), 'appointment 7 has no keys');
    // A code this UI does not know: the kind's sentence.
    assert.equal(errorText({ kind: 'notAllowed', code: 'fromTheFuture' }), catalogues.nl['error.notAllowed']);
    assert.equal(errorText({ kind: 'whatever' }), catalogues.nl['error.internal']);
    assert.equal(errorText(null), catalogues.nl['error.internal']);
    // The UI's own words are shown; a JavaScript error's technical message never is.
    assert.equal(errorText({ kind: 'invalidInput', text: 'Locatie: geen getal.' }), 'Locatie: geen getal.');
    assert.equal(errorText({ kind: 'internal', message: 'TypeError: x is undefined' }), catalogues.nl['error.internal']);
    assert.equal(codeText('fromTheFuture'), null);
    assert.equal(codeText(null), null);
    setLanguage('en');
    assert.equal(errorText(refused), catalogues.en['error.invalidAppointment']);
    assert.equal(codeText('noPinKeysOut'), catalogues.en['error.noPinKeysOut']);
  } finally {
    setLanguage(before);
  }
});
