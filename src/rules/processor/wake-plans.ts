import type { EngineClock, EngineTimers } from './processor-port.js';

/** The name of the one timer each customer has. */
export const WAKE = 'wake';
const MAX_REMEMBERED = 200_000;

/**
 * Moves each customer's single wake timer and remembers (bounded) where it was put, so that a save
 * leaving the wake where it was skips the timer store, and a customer's next event can skip
 * catching up when its wake lies beyond the event.
 */
export class WakePlans {
  private readonly scheduled = new Map<string, number>();
  /**
   * Customers whose wake was planned from a later instant than their state's own (a broadcast
   * visit): it places the timer but may lie past a flip that catching up would find.
   */
  private readonly plannedLater = new Set<string>();

  constructor(
    private readonly timers: EngineTimers,
    private readonly clock: EngineClock,
  ) {}

  plan(customerId: string, wake: number, plannedLater: boolean): void {
    if (plannedLater) this.plannedLater.add(customerId);
    else this.plannedLater.delete(customerId);
    if (this.scheduled.get(customerId) === wake) return;
    if (Number.isFinite(wake))
      this.timers.schedule(customerId, wake, { name: WAKE, clock: this.clock });
    else this.timers.cancel(customerId, { name: WAKE, clock: this.clock });
    if (this.scheduled.size >= MAX_REMEMBERED || this.plannedLater.size >= MAX_REMEMBERED)
      this.forgetAll();
    this.scheduled.set(customerId, wake);
  }

  /** True when nothing can come due for the customer up to and including `at`. */
  nothingDueBy(customerId: string, at: number): boolean {
    const planned = this.scheduled.get(customerId);
    return planned !== undefined && planned > at && !this.plannedLater.has(customerId);
  }

  /** The customer's timer fired: it is set nowhere now. */
  fired(customerId: string): void {
    this.scheduled.delete(customerId);
  }

  /** Rules changed: wakes were planned under the old ones, and new time conditions may come sooner. */
  forgetAll(): void {
    this.scheduled.clear();
    this.plannedLater.clear();
  }
}
