export {
  createExfiltrationGuard,
  type ExfiltrationGuard,
  type ExfiltrationGuardOptions,
  type GuardedOutput,
  type LinkKind,
  type Removal,
  type RemovalReason,
} from './exfiltration-guard.js';
