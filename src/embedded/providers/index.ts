export { startFakeProviders } from './fake-providers.js';
export type { FakeProviders, FakeProvidersOptions } from './fake-providers.js';
export { FAKE_CHANNELS } from './types.js';
export type {
  AcceptedMessage,
  FakeChannel,
  FakeCredentials,
  ProviderAnswer,
  ReceivedRequest,
} from './types.js';
