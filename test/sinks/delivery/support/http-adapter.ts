/**
 * A minimal HTTP channel adapter for the kill-and-restart test: one POST per touch to the fake
 * provider, the command id as its idempotency key, keep-alive connections. No retries of its own;
 * a failed request is a retryable failure the worker records.
 */
import { Agent, request } from 'node:http';
import type { ChannelAdapter, SendResult, TouchCommand } from '../../../../src/sinks/index.js';

export class HttpAdapter implements ChannelAdapter {
  readonly #agent: Agent;
  readonly #url: URL;

  constructor(
    readonly channel: string,
    baseUrl: string,
    sockets: number,
  ) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
    this.#url = new URL(`/${channel}`, baseUrl);
  }

  check(command: TouchCommand): string | undefined {
    if (this.channel === 'sms' && command.phone === null) return 'no phone number for sms';
    return undefined;
  }

  send(command: TouchCommand): Promise<SendResult> {
    const body = JSON.stringify({
      to: command.phone ?? command.pushRegistrationId,
      template: command.template,
    });
    return new Promise((resolve) => {
      const req = request(
        this.#url,
        {
          method: 'POST',
          agent: this.#agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': command.commandId,
          },
          timeout: 5_000,
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve(
              response.statusCode === 200
                ? { status: 'sent', attempts: 1 }
                : {
                    status: 'failed',
                    code: 'TS_TEST_PROVIDER_STATUS',
                    reason: `status ${response.statusCode}`,
                    retryable: true,
                    attempts: 1,
                  },
            ),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) =>
        resolve({
          status: 'failed',
          code: 'TS_TEST_PROVIDER_DOWN',
          reason: error.message,
          retryable: true,
          attempts: 1,
        }),
      );
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }
}
