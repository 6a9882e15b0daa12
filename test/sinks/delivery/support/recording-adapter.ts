import type { ChannelAdapter, SendResult, TouchCommand } from '../../../../src/sinks/index.js';

export type Script = (command: TouchCommand, attempt: number) => SendResult | Promise<SendResult>;

export const accept: Script = (command) => ({
  status: 'sent',
  attempts: 1,
  providerMessageId: `pm-${command.commandId}`,
});

/** A channel adapter at the outer edge: records every send and answers as the test scripts it. */
export class RecordingAdapter implements ChannelAdapter {
  readonly sent: TouchCommand[] = [];
  #closed = false;

  constructor(
    readonly channel: string,
    private readonly script: Script = accept,
    private readonly checker: (command: TouchCommand) => string | undefined = () => undefined,
  ) {}

  check(command: TouchCommand): string | undefined {
    return this.checker(command);
  }

  async send(command: TouchCommand): Promise<SendResult> {
    this.sent.push(command);
    return this.script(command, this.sent.filter((c) => c.commandId === command.commandId).length);
  }

  sentIds(): string[] {
    return this.sent.map((c) => c.commandId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
