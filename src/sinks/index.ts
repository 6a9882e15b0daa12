export * from './guards/index.js';
export * from './channels/index.js';
