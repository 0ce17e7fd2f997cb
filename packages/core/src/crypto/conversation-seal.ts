// Conversations bound to their owner and order. Format v2 of a stored message carries its
// absolute position in plaintext (`jafsec:v2:<position>:<envelope>`), and the conversation
// id, the owner and that position are associated data: a message moved to another
// conversation, another owner or another place fails authentication, and positions that do
// not follow each other are refused. Providers that trim old messages still work: the
// first message kept may have any position. A seal (the count of messages and a hash of the
// last one, encrypted and bound to the conversation and owner) is kept in the
// conversation's metadata, so dropping the last messages is detected too.
import { hashHex } from '#hash';
import { decodeBase64Url, decodeUtf8, encodeBase64Url, utf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';
import {
  type ConversationMessage,
  decryptMessages,
  ENCRYPTED_MESSAGE_PREFIX,
  type MessageErrorCode,
  openSealedMessage,
} from './encrypt-messages.js';
import type { Keyring } from './keyring.js';

/** Prefix of a v2 message's `content`: then `<position>:<base64url envelope>`. */
export const ENCRYPTED_MESSAGE_PREFIX_V2 = 'jafsec:v2:';
/** Prefix of a conversation seal (the metadata member {@link CONVERSATION_SEAL_FIELD}). */
export const CONVERSATION_SEAL_PREFIX = 'jafsec:seal:v1:';
/** Metadata member holding the seal. */
export const CONVERSATION_SEAL_FIELD = 'jafsecSeal';

/**
 * Codes of a conversation that cannot be opened, beyond {@link MessageErrorCode}:
 * - `MESSAGE_OUT_OF_ORDER`: positions do not follow each other (a message removed from the
 *   middle, inserted or moved).
 * - `CONVERSATION_TRUNCATED`: the seal counts more messages, or another last message, than
 *   the store returned (the last messages were dropped or replaced).
 * - `CONVERSATION_SEAL_MISSING`: v2 messages without a seal (removed from the metadata).
 * - `CONVERSATION_SEAL_INVALID`: the seal does not authenticate (another conversation's,
 *   another owner's, edited, or an unknown key).
 */
export type ConversationErrorCode =
  | MessageErrorCode
  | 'MESSAGE_OUT_OF_ORDER'
  | 'CONVERSATION_TRUNCATED'
  | 'CONVERSATION_SEAL_MISSING'
  | 'CONVERSATION_SEAL_INVALID';

/** Whose conversation, for the associated data. */
export interface ConversationBinding {
  readonly conversationId: string;
  /** The owner (JAF's `userId`); `undefined` and absent are the same owner: none. */
  readonly owner?: string | undefined;
  /** Roles to encrypt; default every role. */
  readonly roles?: readonly string[] | undefined;
}

const messageAad = (b: ConversationBinding, position: number, role: string): Uint8Array =>
  utf8(JSON.stringify(['jaf-sec/message/v2', b.conversationId, b.owner ?? null, position, role]));
const sealAad = (b: ConversationBinding): Uint8Array =>
  utf8(JSON.stringify(['jaf-sec/seal/v1', b.conversationId, b.owner ?? null]));

function checkBinding(b: ConversationBinding): void {
  if (!b || typeof b.conversationId !== 'string' || b.conversationId === '') {
    throw new TypeError('conversationId must be a non-empty string');
  }
  if (b.owner !== undefined && typeof b.owner !== 'string') {
    throw new TypeError('owner must be a string (the userId) or undefined');
  }
}

/** The absolute position of a v2 message, or undefined for any other form. */
export function messagePosition(message: ConversationMessage): number | undefined {
  const content = message?.content;
  if (typeof content !== 'string' || !content.startsWith(ENCRYPTED_MESSAGE_PREFIX_V2)) {
    return undefined;
  }
  const colon = content.indexOf(':', ENCRYPTED_MESSAGE_PREFIX_V2.length);
  if (colon === -1 || colon - ENCRYPTED_MESSAGE_PREFIX_V2.length > 15) return undefined;
  const digits = content.slice(ENCRYPTED_MESSAGE_PREFIX_V2.length, colon);
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(digits);
  return digits === '' || (digits.length > 1 && digits[0] === '0') ? undefined : n;
}

/**
 * Encrypts messages in format v2, the first at absolute position `startPosition`.
 *
 * @throws TypeError when conversationId is empty or a message has no string role.
 */
export function encryptConversationMessages(
  messages: readonly ConversationMessage[],
  keyring: Keyring,
  binding: ConversationBinding & { readonly startPosition?: number | undefined },
): Promise<ConversationMessage[]> {
  checkBinding(binding);
  const start = binding.startPosition ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError('startPosition must be a non-negative integer');
  }
  const roles = binding.roles ? new Set(binding.roles) : undefined;
  return Promise.all(
    messages.map(async (message, i) => {
      if (typeof message?.role !== 'string')
        throw new TypeError('every message needs a string role');
      if (roles && !roles.has(message.role)) return message;
      const { role, ...rest } = message;
      const position = start + i;
      const sealed = await keyring.encrypt(JSON.stringify(rest), {
        aad: messageAad(binding, position, role),
      });
      return {
        role,
        content: `${ENCRYPTED_MESSAGE_PREFIX_V2}${position}:${encodeBase64Url(sealed)}`,
      };
    }),
  );
}

/** What the seal holds. */
interface SealBody {
  /** Position after the last message (its position + 1). */
  readonly next: number;
  /** SHA-256 hex of the last stored message (as stored: ciphertext). */
  readonly tail: string | null;
}

const tailHash = (stored: readonly ConversationMessage[]): string | null =>
  stored.length === 0 ? null : hashHex('sha256', JSON.stringify(stored[stored.length - 1]));

/** Position after the last v2 message of a stored conversation (0 when there is none). */
export function nextPosition(stored: readonly ConversationMessage[]): number {
  for (let i = stored.length - 1; i >= 0; i--) {
    const p = messagePosition(stored[i]!);
    if (p !== undefined) return p + 1 + (stored.length - 1 - i);
  }
  return stored.length;
}

/** Seals the count and last message of a stored conversation (keep it in its metadata). */
export async function sealConversation(
  stored: readonly ConversationMessage[],
  keyring: Keyring,
  binding: ConversationBinding,
): Promise<string> {
  checkBinding(binding);
  const body: SealBody = { next: nextPosition(stored), tail: tailHash(stored) };
  const sealed = await keyring.encrypt(JSON.stringify(body), { aad: sealAad(binding) });
  return CONVERSATION_SEAL_PREFIX + encodeBase64Url(sealed);
}

/**
 * Opens a stored conversation: v2 messages by their own positions (consecutive, any start),
 * v1 messages (the earlier format) by their index; then checks the seal when given.
 * Never throws on stored data.
 */
export async function openConversation(
  stored: readonly ConversationMessage[],
  seal: unknown,
  keyring: Keyring,
  binding: ConversationBinding & {
    readonly requireSeal?: boolean | undefined;
    /**
     * Check the conversation's seal (default true). False for stores written without seals
     * (`seal: false` in the memory provider): order and owner are still checked per message.
     */
    readonly checkSeal?: boolean | undefined;
  },
): Promise<Result<ConversationMessage[], ConversationErrorCode>> {
  checkBinding(binding);
  if (!Array.isArray(stored)) return fail('MESSAGE_MALFORMED', 'The messages are not a list.');
  const roles = binding.roles ? new Set(binding.roles) : undefined;
  let offset: number | undefined;
  let hasV2 = false;
  const out: (ConversationMessage | undefined)[] = new Array(stored.length);
  const legacy: number[] = [];
  const tasks: Promise<Result<void, ConversationErrorCode>>[] = [];
  for (let i = 0; i < stored.length; i++) {
    const message = stored[i];
    if (typeof message !== 'object' || message === null || typeof message.role !== 'string') {
      return fail('MESSAGE_MALFORMED', `Message ${i} has no role.`);
    }
    const content = message.content;
    if (typeof content === 'string' && content.startsWith(ENCRYPTED_MESSAGE_PREFIX_V2)) {
      const position = messagePosition(message);
      if (position === undefined) return fail('MESSAGE_MALFORMED', `Message ${i} is damaged.`);
      hasV2 = true;
      // Positions follow the array: position - index is the same for every message.
      if (offset === undefined) offset = position - i;
      if (position - i !== offset || offset < 0) {
        return fail('MESSAGE_OUT_OF_ORDER', `Message ${i} is out of order.`);
      }
      const envelope = content.slice(content.indexOf(':', ENCRYPTED_MESSAGE_PREFIX_V2.length) + 1);
      tasks.push(
        openSealedMessage(
          keyring,
          envelope,
          messageAad(binding, position, message.role),
          message.role,
          i,
        ).then((opened): Result<void, ConversationErrorCode> => {
          if (!opened.ok) return opened;
          out[i] = opened.value;
          return ok(undefined);
        }),
      );
    } else if (typeof content === 'string' && content.startsWith(ENCRYPTED_MESSAGE_PREFIX)) {
      legacy.push(i);
    } else if (roles && !roles.has(message.role)) {
      out[i] = message;
    } else {
      return fail('MESSAGE_NOT_ENCRYPTED', `Message ${i} is not encrypted.`);
    }
  }
  // v1 messages were bound to their index (an untrimmed conversation from its start).
  if (legacy.length > 0) {
    if (hasV2 && offset !== 0) {
      return fail('MESSAGE_OUT_OF_ORDER', `Message ${legacy[0]} is out of order.`);
    }
    for (const i of legacy) {
      tasks.push(
        (async (): Promise<Result<void, ConversationErrorCode>> => {
          const r = await decryptMessages([stored[i]!], keyring, {
            conversationId: binding.conversationId,
            startIndex: i,
          });
          if (!r.ok) return r;
          out[i] = r.value[0];
          return ok(undefined);
        })(),
      );
    }
  }
  for (const r of await Promise.all(tasks)) if (!r.ok) return r;
  if (binding.checkSeal === false) return ok(out as ConversationMessage[]);
  if ((seal === undefined || seal === null) && !hasV2 && !binding.requireSeal) {
    return ok(out as ConversationMessage[]);
  }
  const checked = await checkConversationSeal(stored, seal, keyring, binding);
  if (!checked.ok) return checked;
  return ok(out as ConversationMessage[]);
}

/**
 * Checks a seal against a stored conversation without decrypting its messages (before an
 * append, so a truncated conversation is not sealed again as if whole).
 */
export async function checkConversationSeal(
  stored: readonly ConversationMessage[],
  seal: unknown,
  keyring: Keyring,
  binding: ConversationBinding,
): Promise<Result<void, ConversationErrorCode>> {
  if (seal === undefined || seal === null) {
    return fail('CONVERSATION_SEAL_MISSING', 'The conversation has no seal.');
  }
  const sealBytes =
    typeof seal === 'string' && seal.startsWith(CONVERSATION_SEAL_PREFIX)
      ? decodeBase64Url(seal.slice(CONVERSATION_SEAL_PREFIX.length))
      : undefined;
  const opened = sealBytes
    ? await keyring.decrypt(sealBytes, { aad: sealAad(binding) })
    : undefined;
  let body: Partial<SealBody> | undefined;
  if (opened?.ok) {
    try {
      body = JSON.parse(decodeUtf8(opened.value) ?? '') as Partial<SealBody>;
    } catch {
      body = undefined;
    }
  }
  if (!body || typeof body.next !== 'number') {
    return fail('CONVERSATION_SEAL_INVALID', 'The conversation seal does not authenticate.');
  }
  if (body.next !== nextPosition(stored) || body.tail !== tailHash(stored)) {
    return fail(
      'CONVERSATION_TRUNCATED',
      'The conversation ends before its sealed last message: messages were dropped or replaced.',
    );
  }
  return ok(undefined);
}
