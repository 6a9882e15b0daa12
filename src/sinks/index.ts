export * from './guards/index.js';
export * from './channels/index.js';
export * from './delivery/index.js';
export * from './feedback/index.js';
