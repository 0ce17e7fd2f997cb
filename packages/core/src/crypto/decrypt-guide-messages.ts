import { decodeBase64, decodeUtf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { ConversationMessage } from './encrypt-messages.js';
import { type FernetErrorCode, type FernetKey, fernetDecryptText } from './fernet.js';

/** Why a guide-format message could not be read: a Fernet code, or `GUIDE_MESSAGE_MALFORMED`. */
export type GuideMessageErrorCode = FernetErrorCode | 'GUIDE_MESSAGE_MALFORMED';

/**
 * Reads a conversation stored by the Python guide's `SecureMemoryProvider`: messages with
 * `encrypted: true` hold `base64(fernet_token)` in `content` (only user messages were
 * encrypted). Returns the messages in plaintext with the `encrypted` flag removed, ready to
 * be encrypted again with {@link encryptMessages} (every role, bound to its position).
 *
 * @param messages - The stored messages.
 * @param key - The guide's Fernet key: {@link deriveGuideFernetKey}(password, salt).
 * @returns The plaintext messages, or the first failure (its message names the position).
 * @example
 * ```ts
 * const legacy = await deriveGuideFernetKey(env.ENCRYPTION_PASSWORD!, salt);
 * const plain = await decryptGuideMessages(row.messages, legacy);
 * if (plain.ok) await memory.storeMessages(row.id, plain.value); // an encrypted provider
 * ```
 */
export async function decryptGuideMessages(
  messages: readonly ConversationMessage[],
  key: FernetKey,
): Promise<Result<ConversationMessage[], GuideMessageErrorCode>> {
  if (!Array.isArray(messages))
    return fail('GUIDE_MESSAGE_MALFORMED', 'The messages are not a list.');
  const out: ConversationMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as ConversationMessage & { encrypted?: unknown; content?: unknown };
    if (typeof message !== 'object' || message === null || typeof message.role !== 'string') {
      return fail('GUIDE_MESSAGE_MALFORMED', `Message ${i} has no role.`);
    }
    if (message.encrypted !== true) {
      out.push(message);
      continue;
    }
    const raw = typeof message.content === 'string' ? decodeBase64(message.content) : undefined;
    const token = raw ? decodeUtf8(raw) : undefined;
    if (token === undefined) return fail('GUIDE_MESSAGE_MALFORMED', `Message ${i} is damaged.`);
    const opened = await fernetDecryptText(token, key);
    if (!opened.ok) return fail(opened.error.code, `Message ${i}: ${opened.error.message}`);
    const { encrypted: _flag, ...rest } = message;
    out.push({ ...rest, content: opened.value });
  }
  return ok(out);
}
