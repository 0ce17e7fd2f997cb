import {
  CONVERSATION_SEAL_FIELD,
  type ConversationErrorCode,
  checkConversationSeal,
  encryptConversationMessages,
  messagePosition,
  nextPosition,
  openConversation as openStored,
  sealConversation,
} from './conversation-seal.js';
import type { ConversationMessage } from './encrypt-messages.js';
import type { Keyring } from './keyring.js';

/** JAF's result shape (`{ success, data }` / `{ success, error }`), typed structurally. */
export type MemoryResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: unknown };

/** A stored conversation as JAF's `ConversationMemory` has it. */
export interface StoredConversation {
  readonly conversationId: string;
  readonly userId?: string | undefined;
  readonly messages: readonly ConversationMessage[];
  readonly metadata?: object | undefined;
}

/**
 * The part of JAF's `MemoryProvider` this wrapper reads, typed structurally (no runtime
 * dependency on a JAF package). Other members (deleteConversation, clearUserConversations,
 * getStats, healthCheck, close) are passed through untouched.
 */
export interface MemoryProviderLike {
  storeMessages(
    conversationId: string,
    messages: readonly ConversationMessage[],
    metadata?: object,
  ): Promise<MemoryResult<void>>;
  getConversation(conversationId: string): Promise<MemoryResult<StoredConversation | null>>;
  appendMessages(
    conversationId: string,
    messages: readonly ConversationMessage[],
    metadata?: object,
  ): Promise<MemoryResult<void>>;
  findConversations?(query: never): Promise<MemoryResult<StoredConversation[]>>;
  getRecentMessages?(
    conversationId: string,
    limit?: number,
  ): Promise<MemoryResult<readonly ConversationMessage[]>>;
  restoreToCheckpoint?(conversationId: string, criteria: never): Promise<MemoryResult<unknown>>;
}

/** The failure this wrapper returns, shaped like JAF's `MemoryStorageError` plus a code. */
export interface EncryptedMemoryError {
  readonly _tag: 'MemoryStorageError';
  readonly provider: 'jaf-sec-encrypted';
  readonly operation: 'decrypt';
  readonly code: ConversationErrorCode;
  readonly message: string;
}

/** Options of {@link createEncryptedMemoryProvider}. */
export interface EncryptedMemoryProviderOptions {
  readonly keyring: Keyring;
  /** Roles to encrypt; default every role. */
  readonly roles?: readonly string[] | undefined;
  /**
   * Keep a seal (message count and last message, encrypted) in the conversation metadata
   * (`jafsecSeal`), so dropping the last messages is detected. Needs a provider that keeps
   * the metadata given to `storeMessages` and `appendMessages`. Default true.
   */
  readonly seal?: boolean | undefined;
}

interface CheckpointCriteria {
  readonly byMessageId?: string;
  readonly byIndex?: number;
  readonly byUserMessageNumber?: number;
  readonly byText?: string;
  readonly match?: 'exact' | 'startsWith' | 'contains';
}

const failure = (code: ConversationErrorCode, message: string): MemoryResult<never> => ({
  success: false,
  error: {
    _tag: 'MemoryStorageError',
    provider: 'jaf-sec-encrypted',
    operation: 'decrypt',
    code,
    message,
  } satisfies EncryptedMemoryError,
});

const textOf = (message: ConversationMessage | undefined): string | undefined => {
  const content = (message as { content?: unknown } | undefined)?.content;
  return typeof content === 'string' ? content : undefined;
};

/**
 * Wraps a JAF memory provider so every stored message is encrypted (see
 * {@link encryptMessages}): all roles by default, tool-call arguments and results included,
 * bound to the conversation id and each message's position. Reads decrypt; a message that
 * fails authentication makes the read fail with an {@link EncryptedMemoryError}, never
 * returns garbage. Conversation metadata (user id, trace id) stays in plaintext so the
 * provider can still query by it.
 *
 * `appendMessages` reads the conversation first to learn the next position; appends to one
 * conversation must not race (JAF runs one turn at a time per conversation).
 *
 * @param base - The provider to wrap (in-memory, Redis, PostgreSQL ...).
 * @param options - The keyring and the roles to encrypt.
 * @returns A provider with the same shape as `base`.
 * @example
 * ```ts
 * const memory = createEncryptedMemoryProvider(await createPostgresProvider(config), { keyring });
 * const agentConfig = { memory: { provider: memory, autoStore: true } };
 * ```
 */
export function createEncryptedMemoryProvider<P extends MemoryProviderLike>(
  base: P,
  options: EncryptedMemoryProviderOptions,
): P {
  if (
    !base ||
    typeof base.storeMessages !== 'function' ||
    typeof base.getConversation !== 'function'
  ) {
    throw new TypeError('createEncryptedMemoryProvider: base must be a JAF MemoryProvider');
  }
  if (!options?.keyring || typeof options.keyring.encrypt !== 'function') {
    throw new TypeError('createEncryptedMemoryProvider: pass { keyring } from createKeyring()');
  }
  const { keyring, roles } = options;
  const sealed = options.seal !== false;
  const ownerOf = (metadata: object | undefined): string | undefined => {
    const owner = (metadata as { userId?: unknown } | undefined)?.userId;
    return typeof owner === 'string' ? owner : undefined;
  };
  const sealOf = (conversation: StoredConversation): unknown =>
    (conversation.metadata as Record<string, unknown> | undefined)?.[CONVERSATION_SEAL_FIELD];
  async function withSeal(
    conversationId: string,
    owner: string | undefined,
    stored: readonly ConversationMessage[],
    metadata: object | undefined,
  ): Promise<object | undefined> {
    if (!sealed) return metadata;
    const seal = await sealConversation(stored, keyring, { conversationId, owner });
    return { ...(metadata ?? {}), [CONVERSATION_SEAL_FIELD]: seal };
  }

  async function openConversation(
    conversation: StoredConversation,
  ): Promise<MemoryResult<StoredConversation>> {
    // The owner is bound into every message and the seal: a conversation reassigned to
    // another user no longer opens.
    const opened = await openStored(
      conversation.messages,
      sealed ? sealOf(conversation) : undefined,
      keyring,
      {
        conversationId: conversation.conversationId,
        owner: conversation.userId,
        roles,
        checkSeal: sealed,
      },
    );
    if (!opened.ok) return failure(opened.error.code, opened.error.message);
    return { success: true, data: { ...conversation, messages: opened.value } };
  }

  async function getConversation(
    conversationId: string,
  ): Promise<MemoryResult<StoredConversation | null>> {
    const stored = await base.getConversation(conversationId);
    if (!stored.success || stored.data === null) return stored;
    return openConversation(stored.data);
  }

  const wrapped: MemoryProviderLike = {
    async storeMessages(conversationId, messages, metadata) {
      const owner = ownerOf(metadata);
      const stored = await encryptConversationMessages(messages, keyring, {
        conversationId,
        owner,
        roles,
      });
      return base.storeMessages(
        conversationId,
        stored,
        await withSeal(conversationId, owner, stored, metadata),
      );
    },
    getConversation,
    async appendMessages(conversationId, messages, metadata) {
      const existing = await base.getConversation(conversationId);
      if (!existing.success) return existing;
      const before = existing.data?.messages ?? [];
      const owner = existing.data ? existing.data.userId : ownerOf(metadata);
      // A conversation cut short is refused, not sealed again as if it were whole.
      // (A conversation of the earlier format has no seal yet; the append seals it.)
      const legacy =
        sealOf(existing.data ?? ({} as StoredConversation)) === undefined &&
        before.every((m) => messagePosition(m) === undefined);
      if (sealed && existing.data && before.length > 0 && !legacy) {
        const checked = await checkConversationSeal(before, sealOf(existing.data), keyring, {
          conversationId,
          owner,
        });
        if (!checked.ok) return failure(checked.error.code, checked.error.message);
      }
      // Positions continue from the last stored one, not the array length, so a provider
      // that trims old messages does not shift them.
      const stored = await encryptConversationMessages(messages, keyring, {
        conversationId,
        owner,
        startPosition: nextPosition(before),
        roles,
      });
      return base.appendMessages(
        conversationId,
        stored,
        await withSeal(conversationId, owner, [...before, ...stored], metadata),
      );
    },
  };
  if (typeof base.findConversations === 'function') {
    const find = base.findConversations.bind(base);
    wrapped.findConversations = async (query) => {
      const found = await find(query);
      if (!found.success) return found;
      const out: StoredConversation[] = [];
      for (const conversation of found.data) {
        const opened = await openConversation(conversation);
        if (!opened.success) return opened;
        out.push(opened.data);
      }
      return { success: true, data: out };
    };
  }
  if (typeof base.getRecentMessages === 'function') {
    // Positions are part of the associated data, so the recent tail is read whole and cut here.
    wrapped.getRecentMessages = async (conversationId, limit = 50) => {
      const conversation = await getConversation(conversationId);
      if (!conversation.success) return conversation;
      const messages = conversation.data?.messages ?? [];
      return { success: true, data: limit > 0 ? messages.slice(-limit) : [] };
    };
  }
  if (typeof base.restoreToCheckpoint === 'function') {
    // The base would search ciphertext; find the checkpoint in plaintext and keep the
    // stored (still encrypted, same positions) prefix.
    wrapped.restoreToCheckpoint = async (conversationId, criteriaArg) => {
      const criteria = criteriaArg as CheckpointCriteria;
      const stored = await base.getConversation(conversationId);
      if (!stored.success) return stored;
      if (stored.data === null) {
        return {
          success: true,
          data: { restored: false, removedMessagesCount: 0, checkpointIndex: -1 },
        };
      }
      const opened = await openConversation(stored.data);
      if (!opened.success) return opened;
      const messages = opened.data.messages;
      const index = findCheckpoint(messages, criteria);
      if (index < 0) {
        return {
          success: true,
          data: { restored: false, removedMessagesCount: 0, checkpointIndex: -1 },
        };
      }
      const kept = stored.data.messages.slice(0, index);
      const metadata = await withSeal(conversationId, stored.data.userId, kept, {
        ...(stored.data.metadata ?? {}),
        userId: stored.data.userId,
      });
      const saved = await base.storeMessages(conversationId, kept, metadata);
      if (!saved.success) return saved;
      return {
        success: true,
        data: {
          restored: true,
          removedMessagesCount: messages.length - index,
          checkpointIndex: index,
          checkpointUserQuery: textOf(messages[index]),
        },
      };
    };
  }
  return { ...base, ...wrapped } as P;
}

function findCheckpoint(
  messages: readonly ConversationMessage[],
  criteria: CheckpointCriteria,
): number {
  const isUser = (m: ConversationMessage | undefined) => m?.role === 'user';
  if (criteria.byMessageId !== undefined) {
    return messages.findIndex(
      (m) => isUser(m) && (m as { id?: unknown }).id === criteria.byMessageId,
    );
  }
  if (criteria.byIndex !== undefined) {
    return isUser(messages[criteria.byIndex]) ? criteria.byIndex : -1;
  }
  if (criteria.byUserMessageNumber !== undefined) {
    let seen = 0;
    for (let i = 0; i < messages.length; i++) {
      if (isUser(messages[i]) && seen++ === criteria.byUserMessageNumber) return i;
    }
    return -1;
  }
  if (criteria.byText !== undefined) {
    const wanted = criteria.byText;
    const match = criteria.match ?? 'exact';
    return messages.findIndex((m) => {
      const text = textOf(m);
      if (!isUser(m) || text === undefined) return false;
      return match === 'exact'
        ? text === wanted
        : match === 'startsWith'
          ? text.startsWith(wanted)
          : text.includes(wanted);
    });
  }
  return -1;
}
