/**
 * The task's checkpoint file, `<stateDir>/<taskId>/.checkpoint`: a JSON object mapping each
 * persistent, change-logged store to the offset of the last changelog record its local state
 * contains. A store missing from it (or no file at all) restores from the changelog's beginning.
 *
 * Written to a temporary file, synced, then renamed over the old one, so a crash leaves either
 * the old or the new checkpoint, never a torn one.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { CheckpointInvalidError } from './errors.js';

export const CHECKPOINT_FILE = '.checkpoint';

export async function readCheckpoint(path: string): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CheckpointInvalidError(path, 'cannot be read', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointInvalidError(path, 'is not valid JSON', { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CheckpointInvalidError(path, 'is not a JSON object of store -> offset');
  }
  const offsets = new Map<string, number>();
  for (const [store, offset] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(offset) || (offset as number) < 0) {
      throw new CheckpointInvalidError(
        path,
        `has offset ${JSON.stringify(offset)} for store ${store}, not a non-negative integer`,
      );
    }
    offsets.set(store, offset as number);
  }
  return offsets;
}

export async function writeCheckpoint(
  path: string,
  offsets: ReadonlyMap<string, number>,
): Promise<void> {
  const sorted: Record<string, number> = {};
  for (const store of [...offsets.keys()].sort()) sorted[store] = offsets.get(store) as number;
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(sorted) + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
