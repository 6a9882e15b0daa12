export { BrokerServer } from './broker-server.js';
export { Connection } from './connection.js';
