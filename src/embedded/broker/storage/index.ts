export { DataDirStore } from './data-dir-store.js';
