import type { CustomerState } from '../customer-state.js';
import type { EngineClock, EngineTimers } from './processor-port.js';

/** When the customer's first pending firing is due (Infinity: none). */
export function firstDue(state: CustomerState): number {
  const pending = state.pendingView;
  return pending.length === 0 ? Infinity : pending[0].due;
}

/**
 * Whether the pending firings still decide the wake as they did when there were `count` of them,
 * the first due at `due`: only then can a visit that changed no time condition leave the wake.
 */
export function pendingKept(state: CustomerState, count: number, due: number): boolean {
  return state.pendingView.length === count && firstDue(state) === due;
}

/** The name of the one timer each customer has. */
export const WAKE = 'wake';
const MAX_REMEMBERED = 200_000;

/**
 * Moves each customer's single wake timer. Where the timer is set lives in the customer's state
 * (`state.wake`), so a save leaving the wake where it was skips the timer store and a move needs
 * no read of it. The wakes planned since the rules last changed their time conditions are also
 * remembered (bounded), so that a customer's next event can skip catching up when its wake lies
 * beyond the event.
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

  /** Moves the customer's timer to `wake` and records it in the state (`state.wake`). */
  plan(state: CustomerState, wake: number, plannedLater: boolean): void {
    const customerId = state.customerId;
    if (plannedLater) this.plannedLater.add(customerId);
    else this.plannedLater.delete(customerId);
    if (state.wake !== wake) {
      // The state knows where its timer is (NaN when it does not): the store need not be read.
      const current = Number.isNaN(state.wake) ? undefined : state.wake;
      if (Number.isFinite(wake))
        this.timers.schedule(customerId, wake, { name: WAKE, clock: this.clock, current });
      else this.timers.cancel(customerId, { name: WAKE, clock: this.clock, current });
    }
    state.wake = wake;
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
  fired(state: CustomerState, time: number): void {
    this.scheduled.delete(state.customerId);
    if (state.wake === time) state.wake = Infinity;
  }

  /** Rules changed: wakes were planned under the old ones, and new time conditions may come sooner. */
  forgetAll(): void {
    this.scheduled.clear();
    this.plannedLater.clear();
  }
}
