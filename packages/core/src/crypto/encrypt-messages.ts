import { decodeBase64Url, decodeUtf8, encodeBase64Url, utf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { Keyring } from './keyring.js';

/**
 * A conversation message, typed structurally: JAF's `Message` (role, content, tool_calls,
 * tool_call_id, attachments ...) and OpenAI-style messages fit. Must be JSON-serializable.
 */
export interface ConversationMessage {
  readonly role: string;
  readonly [field: string]: unknown;
}

/** Options of {@link encryptMessages} and {@link decryptMessages}. */
export interface MessageCryptoOptions {
  /** The conversation the messages belong to: bound into every ciphertext. */
  readonly conversationId: string;
  /** Position of the first message in the conversation. Default 0. */
  readonly startIndex?: number | undefined;
  /**
   * Roles whose messages are encrypted. Default: every role (system prompts, tool calls and
   * tool results carry personal data as often as user turns do).
   */
  readonly roles?: readonly string[] | undefined;
}

/**
 * Why a stored conversation could not be decrypted. Stable codes:
 * - `MESSAGE_NOT_ENCRYPTED`: a message of an encrypted role is in plaintext (possibly injected).
 * - `MESSAGE_MALFORMED`: the encrypted form is damaged.
 * - `MESSAGE_KEY_UNKNOWN`: sealed with a key that is not in the keyring.
 * - `MESSAGE_AUTH_FAILED`: tampered, moved to another conversation or position, or another key.
 */
export type MessageErrorCode =
  | 'MESSAGE_NOT_ENCRYPTED'
  | 'MESSAGE_MALFORMED'
  | 'MESSAGE_KEY_UNKNOWN'
  | 'MESSAGE_AUTH_FAILED';

/** Prefix of an encrypted message's `content`: format version, then a base64url envelope. */
export const ENCRYPTED_MESSAGE_PREFIX = 'jafsec:v1:';

const messageAad = (conversationId: string, index: number, role: string): Uint8Array =>
  // A JSON array is unambiguous whatever the id contains.
  utf8(JSON.stringify(['jaf-sec/message/v1', conversationId, index, role]));

function checkOptions(options: MessageCryptoOptions): {
  start: number;
  roles: Set<string> | undefined;
} {
  if (!options || typeof options.conversationId !== 'string' || options.conversationId === '') {
    throw new TypeError('conversationId must be a non-empty string');
  }
  const start = options.startIndex ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError('startIndex must be a non-negative integer');
  }
  return { start, roles: options.roles ? new Set(options.roles) : undefined };
}

/** True when a message has the encrypted form made by {@link encryptMessages}. */
export function isEncryptedMessage(message: ConversationMessage): boolean {
  return (
    typeof message?.content === 'string' && message.content.startsWith(ENCRYPTED_MESSAGE_PREFIX)
  );
}

/**
 * Opens one sealed message: the base64url envelope decrypted under `aad`, its plaintext parsed
 * as the JSON object of the message's fields, with `role` put back. Shared by the v1 format
 * here and the owner- and order-bound v2 format of conversation-seal.ts; `label` names the
 * message in the error messages. Never throws.
 */
export async function openSealedMessage(
  keyring: Keyring,
  envelope: string,
  aad: Uint8Array,
  role: string,
  label: number,
): Promise<Result<ConversationMessage, MessageErrorCode>> {
  const bytes = decodeBase64Url(envelope);
  if (!bytes) return fail('MESSAGE_MALFORMED', `Message ${label} is damaged.`);
  const opened = await keyring.decrypt(bytes, { aad });
  if (!opened.ok) {
    const code = opened.error.code;
    if (code === 'ENVELOPE_KEY_UNKNOWN') {
      return fail('MESSAGE_KEY_UNKNOWN', `Message ${label} was sealed with an unknown key.`);
    }
    if (code === 'ENVELOPE_AUTH_FAILED') {
      return fail('MESSAGE_AUTH_FAILED', `Message ${label} failed authentication.`);
    }
    return fail('MESSAGE_MALFORMED', `Message ${label} is damaged.`);
  }
  const text = decodeUtf8(opened.value);
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('MESSAGE_MALFORMED', `Message ${label} is damaged.`);
  }
  return ok({ role, ...(body as Record<string, unknown>) });
}

/**
 * Encrypts agent messages for storage. Everything but `role` (content, tool calls and
 * their arguments, tool results, ids, attachments) is sealed with the keyring's primary key;
 * the stored message is `{ role, content: 'jafsec:v1:<envelope>' }`. The conversation id,
 * the message's position and its role are associated data: a message copied to another
 * conversation or moved within one no longer decrypts.
 *
 * @param messages - The messages, in conversation order.
 * @param keyring - From {@link createKeyring}.
 * @param options - `conversationId`, `startIndex` (when appending), `roles` to encrypt.
 * @returns The messages to store, same order.
 * @throws TypeError when conversationId is empty or a message has no string role.
 * @example
 * ```ts
 * const stored = await encryptMessages(messages, keyring, { conversationId: 'c-42' });
 * const back = await decryptMessages(stored, keyring, { conversationId: 'c-42' });
 * ```
 */
export function encryptMessages(
  messages: readonly ConversationMessage[],
  keyring: Keyring,
  options: MessageCryptoOptions,
): Promise<ConversationMessage[]> {
  const { start, roles } = checkOptions(options);
  return Promise.all(
    messages.map(async (message, i) => {
      if (typeof message?.role !== 'string')
        throw new TypeError('every message needs a string role');
      if (roles && !roles.has(message.role)) return message;
      const { role, ...rest } = message;
      const sealed = await keyring.encrypt(JSON.stringify(rest), {
        aad: messageAad(options.conversationId, start + i, role),
      });
      return { role, content: ENCRYPTED_MESSAGE_PREFIX + encodeBase64Url(sealed) };
    }),
  );
}

/**
 * Decrypts messages made by {@link encryptMessages}. Messages of roles that are not
 * encrypted (when `roles` is set) pass through; a message of an encrypted role that is in
 * plaintext is refused, so rows injected into the store are not taken as genuine.
 *
 * @param messages - Stored messages, in conversation order.
 * @param keyring - A keyring holding the key that sealed them (any key of the ring).
 * @param options - The same `conversationId`, `startIndex` and `roles` used to encrypt.
 * @returns The original messages, or the first failure as a {@link MessageErrorCode}
 *   (its message names the position, never the content).
 * @example
 * ```ts
 * const opened = await decryptMessages(row.messages, keyring, { conversationId: row.id });
 * if (!opened.ok) log.warn({ code: opened.error.code });
 * ```
 */
export async function decryptMessages(
  messages: readonly ConversationMessage[],
  keyring: Keyring,
  options: MessageCryptoOptions,
): Promise<Result<ConversationMessage[], MessageErrorCode>> {
  const { start, roles } = checkOptions(options);
  if (!Array.isArray(messages)) return fail('MESSAGE_MALFORMED', 'The messages are not a list.');
  const results = await Promise.all(
    messages.map(async (message, i): Promise<Result<ConversationMessage, MessageErrorCode>> => {
      const position = start + i;
      if (typeof message !== 'object' || message === null || typeof message.role !== 'string') {
        return fail('MESSAGE_MALFORMED', `Message ${position} has no role.`);
      }
      if (!isEncryptedMessage(message)) {
        if (roles && !roles.has(message.role)) return ok(message);
        return fail('MESSAGE_NOT_ENCRYPTED', `Message ${position} is not encrypted.`);
      }
      return openSealedMessage(
        keyring,
        (message.content as string).slice(ENCRYPTED_MESSAGE_PREFIX.length),
        messageAad(options.conversationId, position, message.role),
        message.role,
        position,
      );
    }),
  );
  const out: ConversationMessage[] = [];
  for (const r of results) {
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}
