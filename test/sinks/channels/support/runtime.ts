/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A sleep that returns at once and remembers how long it was asked to wait. */
export function recordingSleep(onSleep?: (ms: number) => void) {
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
    onSleep?.(ms);
  };
  return { waits, sleep };
}
