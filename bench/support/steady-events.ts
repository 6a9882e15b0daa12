/**
 * A steady stream of events at a fixed rate, as background load while something else is measured.
 * Every tick sends what is due since the start (so a slow send is caught up on the next tick
 * rather than lowering the rate), one send in flight at a time.
 */
import type { Message, Producer } from 'kafkajs';

export interface SteadyEventsOptions {
  producer: Producer;
  topic: string;
  eventsPerSecond: number;
  /** The next message to send; called once per message, in order. */
  next(now: number): Message;
  tickMs?: number;
}

export interface SteadyEvents {
  /** Messages acknowledged by the broker so far. */
  readonly sent: number;
  /** Stops ticking, waits for the send in flight, and answers how many were sent in all. */
  stop(): Promise<number>;
}

export function startSteadyEvents(options: SteadyEventsOptions): SteadyEvents {
  const tickMs = options.tickMs ?? 50;
  const startedAt = Date.now();
  let sent = 0;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown;

  const tick = async (): Promise<void> => {
    const now = Date.now();
    const due = Math.floor(((now - startedAt) / 1000) * options.eventsPerSecond) - sent;
    if (due <= 0) return;
    const messages: Message[] = [];
    for (let i = 0; i < due; i += 1) messages.push(options.next(now));
    await options.producer.send({ topic: options.topic, messages, acks: -1 });
    sent += messages.length;
  };
  const loop = (): void => {
    if (stopped) return;
    inFlight = tick().then(
      () => {
        setTimeout(loop, tickMs);
      },
      (error: unknown) => {
        failure = error;
      },
    );
  };
  loop();

  return {
    get sent() {
      if (failure !== undefined) throw failure;
      return sent;
    },
    async stop() {
      stopped = true;
      await inFlight;
      if (failure !== undefined) throw failure;
      return sent;
    },
  };
}
