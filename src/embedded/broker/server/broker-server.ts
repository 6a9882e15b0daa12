import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { apis } from '../apis/index.js';
import type { BrokerState } from '../broker-state.js';
import { BrokerListenError } from '../errors.js';
import { Connection } from './connection.js';

/** The TCP listener: one Connection per socket, all sharing the broker's state. */
export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly sockets = new Set<Socket>();

  constructor(private readonly broker: BrokerState) {
    this.server = createServer((socket) => {
      const connection = new Connection(socket, broker, apis);
      this.connections.add(connection);
      this.sockets.add(socket);
      socket.on('close', () => {
        this.connections.delete(connection);
        this.sockets.delete(socket);
      });
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(new BrokerListenError(host, port, error));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) =>
          this.broker.options.logger('error', 'listener error', { error: error.message }),
        );
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.close();
    });
  }
}
