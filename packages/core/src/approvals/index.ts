export { type CanonicalJsonProblem, canonicalJson } from '../internal/canonical-json.js';
export {
  APPROVAL_TICKET_TYPE,
  type ApprovalCheck,
  type ApprovalErrorCode,
  type ApprovalIssuer,
  type ApprovalIssuerOptions,
  type ApprovalRequest,
  type ApprovalResult,
  type ApprovalVerifier,
  type ApprovalVerifierOptions,
  createApprovalIssuer,
  createApprovalVerifier,
  hashApprovalArguments,
  type VerifiedApproval,
} from './approvals.js';
