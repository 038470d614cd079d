// What a failed command becomes in the UI: the backend's { kind, code, field?, detail? }
// kept as it is (the catalogue words it), anything else an internal error with its text
// as detail. Run: node --test ui-dev/tests/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { normaliseError } from '../../ui/js/api.js';

test('the backend error keeps its kind, code, field and detail', () => {
  assert.deepEqual(normaliseError({ kind: 'invalidInput', code: 'settingLocation', field: 'locationId' }),
    { kind: 'invalidInput', code: 'settingLocation', field: 'locationId' });
  assert.deepEqual(normaliseError({ kind: 'badRequest', code: 'badRequest', detail: 'no keys' }),
    { kind: 'badRequest', code: 'badRequest', detail: 'no keys' });
  // An unknown kind is internal; empty values are dropped rather than shown.
  assert.deepEqual(normaliseError({ kind: 'fromTheFuture', code: 'x', detail: '  ' }),
    { kind: 'internal', code: 'x' });
});

test('anything else is an internal error with its text as detail', () => {
  assert.deepEqual(normaliseError('unknown variant `explode`'),
    { kind: 'internal', detail: 'unknown variant `explode`' });
  assert.deepEqual(normaliseError(new Error('boom')), { kind: 'internal', detail: 'boom' });
  assert.deepEqual(normaliseError(undefined), { kind: 'internal' });
});
