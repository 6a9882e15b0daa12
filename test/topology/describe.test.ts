import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, jsonSerde } from '../../src/topology/index.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../src/operators/index.js';

interface PolicyEvent {
  customerId: string;
  type: string;
}

class PassOn implements Processor {
  private context!: ProcessorContext;
  init(context: ProcessorContext): void {
    this.context = context;
  }
  process(record: StreamRecord<unknown, unknown>): void {
    this.context.forward(record);
  }
}

/**
 * Events re-keyed by customer and counted (two sub-topologies joined by a repartition topic), a
 * processor reading a task store and a global table of rules.
 */
function offersTopology() {
  const builder = new StreamsBuilder();
  builder.globalTable('marketing-rules', { storeName: 'rules' });
  builder.addStore({
    name: 'last-touch',
    valueSerde: jsonSerde,
    backend: 'memory',
    ttl: { ms: 86_400_000, clock: 'stream' },
  });
  builder
    .stream<string, PolicyEvent>('policy-events', { name: 'policy-events-source' })
    .filter((_key, event) => event.type !== 'test', { name: 'drop-test-events' })
    .selectKey((_key, event) => event.customerId, { name: 'by-customer' })
    .groupByKey()
    .count({ storeName: 'touch-counts' })
    .toStream()
    .process(() => new PassOn(), ['last-touch'], { name: 'pick-offers', globalTables: ['rules'] })
    .to('offers', { name: 'offers-sink' });
  return builder.build();
}

test('describe prints both sub-topologies with their edges, stores and the global store', () => {
  assert.equal(
    offersTopology().describe(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: policy-events-source (topics: [policy-events])',
      '      --> drop-test-events',
      '    Processor: drop-test-events (stores: [])',
      '      --> by-customer',
      '      <-- policy-events-source',
      '    Processor: by-customer (stores: [])',
      '      --> KSTREAM-SINK-0000000001',
      '      <-- drop-test-events',
      '    Sink: KSTREAM-SINK-0000000001 (topic: KSTREAM-REPARTITION-0000000000-repartition)',
      '      <-- by-customer',
      '',
      '   Sub-topology: 1',
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [KSTREAM-REPARTITION-0000000000-repartition])',
      '      --> KSTREAM-AGGREGATE-0000000003',
      '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [touch-counts])',
      '      --> pick-offers',
      '      <-- KSTREAM-SOURCE-0000000002',
      '    Processor: pick-offers (stores: [last-touch, rules (global)])',
      '      --> offers-sink',
      '      <-- KSTREAM-AGGREGATE-0000000003',
      '    Sink: offers-sink (topic: offers)',
      '      <-- pick-offers',
      '    Stores: touch-counts (leveldb), last-touch (memory, ttl 86400000ms)',
      '',
      '  Global Store: rules (topic: marketing-rules)',
      '',
    ].join('\n'),
  );
});

test('describe is the same text for two builds of the same program', () => {
  assert.equal(offersTopology().describe(), offersTopology().describe());
});

test('describe marks broadcast sources, stores without a changelog and nodes with several parents or no children', () => {
  const builder = new StreamsBuilder({ defaultBackend: 'memory' });
  builder.addStore({ name: 'alert-log', valueSerde: jsonSerde, changelog: false });
  const events = builder.stream('events', { name: 'events-source' });
  const alerts = builder.stream('alerts', { name: 'alerts-source', delivery: 'broadcast' });
  events
    .merge(alerts, { name: 'all-inputs' })
    .process(() => new PassOn(), ['alert-log'], { name: 'log-alerts' });

  assert.equal(
    builder.build().describe(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: events-source (topics: [events])',
      '      --> all-inputs',
      '    Source: alerts-source (topics: [alerts], broadcast)',
      '      --> all-inputs',
      '    Processor: all-inputs (stores: [])',
      '      --> log-alerts',
      '      <-- events-source, alerts-source',
      '    Processor: log-alerts (stores: [alert-log])',
      '      --> none',
      '      <-- all-inputs',
      '    Stores: alert-log (memory, no changelog)',
      '',
    ].join('\n'),
  );
});
