import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error a plain ESM script without types
import { collectCodes, renderErrorsDoc } from '../../scripts/error-codes.mjs';

test('docs/errors.md lists every error code the source raises', () => {
  const current = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(
    current,
    renderErrorsDoc(collectCodes()),
    'run: node scripts/error-codes.mjs --write',
  );
});
