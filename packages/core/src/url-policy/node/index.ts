// `@jaf-sec/core/url-policy/node`: the Node-only resolver (node:dns) with address pinning.
export {
  type HostResolver,
  pinnedLookup,
  type ResolvedUrl,
  type ResolveUrlOptions,
  resolveUrl,
} from '../resolve.node.js';
