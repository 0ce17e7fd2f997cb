export type { BlockedAddressKind } from './blocked-ranges.js';
export {
  type CheckedUrl,
  createUrlPolicy,
  type PinnedAddress,
  type UrlPolicy,
  type UrlPolicyErrorCode,
  type UrlPolicyOptions,
} from './url-policy.js';
