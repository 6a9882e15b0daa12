export { buildSchemaRegistryApp, startEmbeddedSchemaRegistry } from './server.js';
export type { EmbeddedSchemaRegistry, EmbeddedSchemaRegistryOptions } from './server.js';
export { SchemaRegistryError } from './errors.js';
export type { SchemaRegistryErrorCode } from './errors.js';
export { COMPATIBILITY_LEVELS } from './compatibility.js';
export type { CompatibilityLevel } from './compatibility.js';
export { REGISTRY_MEDIA_TYPE } from './routes.js';
