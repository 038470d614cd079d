// The UI's shell modules and layout: the bus survives a failing handler and reports it, UI
// errors reach the backend's log rate-limited, index.html loads every stylesheet once, and
// the preview server serves ui/ plus its mock and nothing else. Run: node --test ui-dev/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createBus } from '../../ui/js/bus.js';
import { reportError, watchErrors, resetReportLimit, describe } from '../../ui/js/report.js';
import { previewPage, fileFor, cspHeader } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const uiDir = join(root, 'ui');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]);
}

/** A fake backend for api.js: records every command; `fail` makes invoke reject. */
function fakeBackend({ fail = false } = {}) {
  const calls = [];
  globalThis.window = {
    __TAURI__: {
      core: {
        invoke: async (cmd, args) => {
          calls.push({ cmd, args });
          if (fail) throw { kind: 'internal', message: 'gone' };
          return null;
        },
      },
    },
  };
  return calls;
}

/** console.error silenced (and counted) while `fn` runs. */
function quietly(fn) {
  const original = console.error;
  let printed = 0;
  console.error = () => { printed += 1; };
  try {
    fn();
  } finally {
    console.error = original;
  }
  return printed;
}

test('a failing bus handler is reported and the others still run', () => {
  const failures = [];
  const bus = createBus({ onError: (where, err) => failures.push([where, err.message]) });
  const seen = [];
  bus.on('door', () => { throw new Error('boom'); });
  const off = bus.on('door', (p) => seen.push(p));
  bus.emit('door', 1);
  off();
  bus.emit('door', 2);
  assert.deepEqual(seen, [1]);
  assert.deepEqual(failures, [['handler for door failed', 'boom'], ['handler for door failed', 'boom']]);
});

test('reported errors go to the console and to log_ui_error with the stack', async () => {
  const calls = fakeBackend();
  resetReportLimit();
  const printed = quietly(() => reportError('screen mount failed', new TypeError('x is undefined')));
  await Promise.resolve();
  assert.equal(printed, 1);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].cmd, 'log_ui_error');
  assert.match(calls[0].args.message, /^screen mount failed: TypeError: x is undefined/);
  assert.equal(describe({ kind: 'offline' }), '{"kind":"offline"}');
  assert.equal(describe('plain'), 'plain');
});

test('a loop of errors cannot flood the log: a burst, then the count of what was dropped', async () => {
  const calls = fakeBackend();
  resetReportLimit();
  quietly(() => {
    for (let i = 0; i < 100; i += 1) reportError('loop', new Error(`n${i}`));
  });
  await Promise.resolve();
  assert.equal(calls.length, 10, 'the burst');
  assert.ok(calls.every((c) => c.args.message.length <= 2000));
  // Six seconds later one more goes out, saying how many were not logged.
  const realNow = Date.now;
  Date.now = () => realNow() + 6500;
  try {
    quietly(() => reportError('loop', new Error('later')));
  } finally {
    Date.now = realNow;
  }
  assert.equal(calls.length, 11);
  assert.match(calls[10].args.message, /\(90 earlier UI errors not logged\)$/);
});

test('reporting never throws, with the backend failing or missing', async () => {
  fakeBackend({ fail: true });
  resetReportLimit();
  quietly(() => reportError('x', new Error('y')));
  globalThis.window = {};
  quietly(() => reportError('x', new Error('no backend')));
  await new Promise((r) => setTimeout(r, 0));
});

test('uncaught errors and rejections of the window are sent to the log', async () => {
  const calls = fakeBackend();
  resetReportLimit();
  const handlers = {};
  watchErrors({ addEventListener: (type, fn) => { handlers[type] = fn; } });
  handlers.error({ error: new Error('bad'), filename: 'js/main.js', lineno: 3, colno: 7 });
  handlers.unhandledrejection({ reason: { kind: 'offline', message: 'down' } });
  await Promise.resolve();
  assert.deepEqual(calls.map((c) => c.args.message.split('\n')[0]), [
    'uncaught error at js/main.js:3:7: Error: bad',
    'unhandled rejection: {"kind":"offline","message":"down"}',
  ]);
});

test('index.html loads every stylesheet of ui/css exactly once, and only those', () => {
  const html = readFileSync(join(uiDir, 'index.html'), 'utf8');
  const linked = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
  const sheets = files(join(uiDir, 'css')).map((f) => relative(uiDir, f).split('\\').join('/'));
  assert.ok(sheets.length > 5, 'ui/css holds the stylesheets');
  assert.deepEqual([...linked].sort(), [...sheets].sort());
  assert.equal(new Set(linked).size, linked.length, 'a sheet linked twice');
  assert.equal(linked[0], 'css/base.css', 'the tokens come first');
});

test('every stylesheet and module says what it is for and stays small', () => {
  for (const file of files(uiDir).filter((f) => /\.(css|js)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const name = relative(root, file);
    assert.match(text, /^(\/\/|\/\*)/, `${name} starts with a comment`);
    // The translation catalogue is data, not logic.
    if (!file.endsWith('i18n.js')) {
      assert.ok(text.split('\n').length <= 500, `${name} is over 500 lines`);
    }
  }
});

test('the preview adds its mock before the app and serves nothing outside ui/', () => {
  const page = previewPage(readFileSync(join(uiDir, 'index.html'), 'utf8'));
  const mock = page.indexOf('/__dev/mock-tauri.js');
  const jump = page.indexOf('/__dev/jump.js');
  const main = page.indexOf('src="js/main.js"');
  assert.ok(mock > 0 && mock < jump && jump < main, page);
  assert.equal(fileFor('/'), join(uiDir, 'index.html'));
  assert.equal(fileFor('/css/base.css?x=1'), join(uiDir, 'css', 'base.css'));
  assert.equal(fileFor('/__dev/mock-tauri.js'), join(root, 'ui-dev', 'mock-tauri.js'));
  for (const bad of ['/../tauri.conf.json', '/%2e%2e/tauri.conf.json', '/__dev/serve.mjs', '/__dev/../ui/index.html']) {
    assert.equal(fileFor(bad), null, bad);
  }
  const conf = JSON.parse(readFileSync(join(root, 'tauri.conf.json'), 'utf8'));
  assert.match(cspHeader(conf), /script-src 'self'; style-src 'self'/);
});
