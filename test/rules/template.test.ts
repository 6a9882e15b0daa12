import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderParams, type JsonObject } from '../../src/rules/index.js';

const attrs = new Map<string, string | number | boolean>([
  ['name', 'Li Wei'],
  ['age', 41],
]);
const alert = {
  type: 'broadcast',
  topic: 'weather_alert',
  props: { city: 'Wenzhou', level: 'orange', detail: { wind: 11 } },
};

test('references render from the attributes and the event, absent ones as empty text', () => {
  const params: JsonObject = {
    greeting: 'Dear ${attr.name} (${attr.age})',
    where: '${event.props.city}/${event.props.level}',
    nested: 'wind ${event.props.detail.wind}, object ${event.props.detail}',
    missing: '[${attr.email}][${event.props.nope.deeper}][${event.}]',
    untouched: 'no ${reference} here',
  };
  assert.deepEqual(renderParams(params, attrs, alert), {
    greeting: 'Dear Li Wei (41)',
    where: 'Wenzhou/orange',
    nested: 'wind 11, object {"wind":11}',
    missing: '[][][]',
    untouched: 'no ${reference} here',
  });
});

test('the same params render each event afresh', () => {
  const params: JsonObject = { city: '${event.props.city}' };
  assert.deepEqual(renderParams(params, attrs, alert), { city: 'Wenzhou' });
  const other = { ...alert, props: { city: 'Ningbo' } };
  assert.deepEqual(renderParams(params, attrs, other), { city: 'Ningbo' });
  assert.deepEqual(renderParams(params, new Map(), {}), { city: '' });
});

test('other values are copied, so a touch never shares an object with its rule', () => {
  const params: JsonObject = { count: 3, flag: true, none: null, list: [1, { a: 'x' }] };
  const rendered = renderParams(params, attrs, alert);
  assert.deepEqual(rendered, params);
  assert.notEqual(rendered.list, params.list);
  (rendered.list as unknown[]).push(2);
  assert.equal((params.list as unknown[]).length, 2);
});

test('a param named __proto__ stays an own param', () => {
  const params = JSON.parse('{"__proto__": "${attr.name}", "b": 1}') as JsonObject;
  const rendered = renderParams(params, attrs, alert);
  assert.ok(Object.hasOwn(rendered, '__proto__'));
  assert.equal(JSON.stringify(rendered), '{"__proto__":"Li Wei","b":1}');
  assert.equal(Object.getPrototypeOf(rendered), Object.prototype);
});

test('no params render as an empty object', () => {
  assert.deepEqual(renderParams(undefined, attrs, alert), {});
});
