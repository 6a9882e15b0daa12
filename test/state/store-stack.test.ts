import { after, before } from 'node:test';
import { runStoreConformance } from './store-conformance.js';
import { tempDir } from './support/helpers.js';
import type { TempDir } from './support/helpers.js';
import { openStack, stackSubject, subdir } from './support/subjects.js';
import type { StackSubject } from './support/subjects.js';

let dir: TempDir;
const counter = { n: 0 };
before(async () => {
  dir = await tempDir('stack');
});
after(async () => {
  await dir.remove();
});

for (const backend of ['memory', 'leveldb'] as const) {
  runStoreConformance({
    name: `the full store stack on the ${backend} backend`,
    async create() {
      const subject = stackSubject(backend, subdir(dir.path, counter));
      await openStack(subject);
      return subject;
    },
    open: openStack,
    ...(backend === 'leveldb'
      ? {
          async reopen(subject) {
            await subject.close();
            const next = stackSubject(backend, (subject as StackSubject).dir);
            await openStack(next);
            return next;
          },
        }
      : {}),
  });
}
