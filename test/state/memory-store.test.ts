import { MemoryStore } from '../../src/state/index.js';
import { runStoreConformance } from './store-conformance.js';
import { backendSubject } from './support/subjects.js';

runStoreConformance({
  name: 'the memory backend',
  async create() {
    const store = new MemoryStore('memory-subject');
    await store.open();
    return backendSubject(store);
  },
  open: (subject) => (subject as ReturnType<typeof backendSubject>).store.open(),
});
