export type {
  BanCheck,
  BanManager,
  BanManagerOptions,
  BanPolicy,
  BanState,
  BanStatus,
  BanStore,
  MemoryBanStoreOptions,
} from './bans.js';
export {
  applyBanViolation,
  createBanManager,
  createMemoryBanStore,
  readBanStatus,
} from './bans.js';
export type {
  ClientIpInfo,
  ClientIpOptions,
  ClientIpRequest,
  ClientIpResolver,
  ClientIpSource,
  TrustedProxyPreset,
} from './client-ip.js';
export { clientIp, createClientIpResolver } from './client-ip.js';
export type { ForwardedElement, ForwardedErrorCode } from './forwarded.js';
export { parseForwardedHeader } from './forwarded.js';
export type { ShieldBurstOptions, ShieldOptions } from './rule.js';
export { shield } from './rule.js';
