/**
 * Reading a command id back into whose command it is. Ids are `${trigger}:${customerId}:${at}`
 * (touchCommandId in src/io): `at` is whatever follows the last colon, but the rest splits into
 * trigger and customer only when exactly one colon is left, since either id may contain colons.
 * Known trigger ids settle the other cases when exactly one of them fits.
 */
export interface CommandIdentity {
  commandId: string;
  trigger: string;
  customerId: string;
  /** When the trigger fired (epoch ms). */
  at: number;
}

const INSTANT = /^-?\d{1,16}$/;

export function parseCommandId(
  commandId: string,
  knownTriggers: Iterable<string> = [],
): CommandIdentity | undefined {
  const last = commandId.lastIndexOf(':');
  if (last <= 0) return undefined;
  const tail = commandId.slice(last + 1);
  const at = Number(tail);
  if (!INSTANT.test(tail) || !Number.isSafeInteger(at)) return undefined;
  const head = commandId.slice(0, last);
  const first = head.indexOf(':');
  if (first <= 0 || first === head.length - 1) return undefined;
  if (head.indexOf(':', first + 1) < 0)
    return { commandId, trigger: head.slice(0, first), customerId: head.slice(first + 1), at };
  let trigger: string | undefined;
  for (const known of knownTriggers) {
    if (known.length === 0 || head.length <= known.length + 1) continue;
    if (!head.startsWith(`${known}:`)) continue;
    if (trigger !== undefined && trigger !== known) return undefined;
    trigger = known;
  }
  if (trigger === undefined) return undefined;
  return { commandId, trigger, customerId: head.slice(trigger.length + 1), at };
}
