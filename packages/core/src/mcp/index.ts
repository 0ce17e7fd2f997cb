export {
  canonicalResourceUri,
  createMcpTokenGuard,
  type McpAuthErrorCode,
  type McpAuthResult,
  type McpRefusal,
  type McpRequest,
  type McpTokenGuard,
  type McpTokenGuardOptions,
  type McpTokenVerifier,
  type ProtectedResourceMetadata,
  type ProtectedResourceOptions,
  protectedResourceMetadata,
  wwwAuthenticate,
} from './resource-server.js';
export {
  checkToolPins,
  type McpToolDescription,
  pinTool,
  pinTools,
  type ToolPinErrorCode,
  type ToolPins,
} from './tool-pinning.js';
