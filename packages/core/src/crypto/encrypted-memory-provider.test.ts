import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_SEAL_FIELD, ENCRYPTED_MESSAGE_PREFIX_V2 } from './conversation-seal.js';
import type { ConversationMessage } from './encrypt-messages.js';
import { encryptMessages } from './encrypt-messages.js';
import {
  createEncryptedMemoryProvider,
  type StoredConversation,
} from './encrypted-memory-provider.js';
import { createKeyring } from './keyring.js';

type Result<T> =
  | { success: true; data: T }
  | { success: false; error: { _tag: string; message: string } };

/**
 * A minimal provider with JAF's MemoryProvider shape, keeping what it is given as JSON. Like
 * JAF's providers, appendMessages merges the metadata it is given, and with `maxMessages`
 * it trims the conversation to its last messages (as JAF's in-memory provider does).
 */
function createJafLikeProvider(maxMessages?: number) {
  const rows = new Map<
    string,
    { userId?: string; messages: ConversationMessage[]; metadata: object }
  >();
  const ok = <T>(data: T): Result<T> => ({ success: true, data });
  const toMemory = (id: string): StoredConversation => {
    const row = rows.get(id)!;
    return {
      conversationId: id,
      userId: row.userId,
      messages: JSON.parse(JSON.stringify(row.messages)),
      metadata: row.metadata,
    };
  };
  return {
    rows,
    async storeMessages(
      id: string,
      messages: readonly ConversationMessage[],
      metadata?: { userId?: string },
    ) {
      rows.set(id, {
        userId: metadata?.userId,
        messages: JSON.parse(JSON.stringify(messages)),
        metadata: metadata ?? {},
      });
      return ok(undefined);
    },
    async getConversation(id: string) {
      return ok(rows.has(id) ? toMemory(id) : null);
    },
    async appendMessages(id: string, messages: readonly ConversationMessage[], metadata?: object) {
      const row = rows.get(id);
      if (!row)
        return {
          success: false as const,
          error: { _tag: 'MemoryNotFoundError', message: 'not found' },
        };
      row.messages.push(...JSON.parse(JSON.stringify(messages)));
      if (maxMessages !== undefined) row.messages = row.messages.slice(-maxMessages);
      row.metadata = { ...row.metadata, ...(metadata ?? {}) };
      return ok(undefined);
    },
    async findConversations(query: { userId?: string }) {
      return ok(
        [...rows.keys()].filter((id) => rows.get(id)!.userId === query.userId).map(toMemory),
      );
    },
    async getRecentMessages(id: string, limit = 50) {
      return ok(rows.has(id) ? toMemory(id).messages.slice(-limit) : []);
    },
    async deleteConversation(id: string) {
      return ok(rows.delete(id));
    },
    async restoreToCheckpoint(id: string, criteria: { byText?: string }) {
      // The base searches what it stores; under encryption it would never match.
      const found = (rows.get(id)?.messages ?? []).findIndex((m) => m.content === criteria.byText);
      return ok({ restored: found >= 0, removedMessagesCount: 0, checkpointIndex: found });
    },
    async healthCheck() {
      return ok({ healthy: true });
    },
  };
}

const keyring = createKeyring({ keys: [{ id: 'k', key: new Uint8Array(32).fill(4) }] });
const turn1 = [
  { role: 'user', content: 'My phone is +44 20 7946 0958' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      {
        id: 't1',
        type: 'function',
        function: { name: 'save', arguments: '{"phone":"+442079460958"}' },
      },
    ],
  },
  { role: 'tool', tool_call_id: 't1', content: 'saved +442079460958' },
];
const turn2 = [
  { role: 'user', content: 'And my email is ada@example.com' },
  { role: 'assistant', content: 'Saved.' },
];

describe('createEncryptedMemoryProvider', () => {
  it('stores only ciphertext and reads back plaintext through every read method', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    expect(await memory.storeMessages('c-1', turn1, { userId: 'u-1' })).toEqual({
      success: true,
      data: undefined,
    });
    expect(await memory.appendMessages('c-1', turn2)).toEqual({ success: true, data: undefined });
    const raw = JSON.stringify([...base.rows.values()]);
    for (const secret of ['7946', 'ada@example.com', 'save', 'saved'])
      expect(raw).not.toContain(secret);
    expect(
      base.rows
        .get('c-1')!
        .messages.every((m) => String(m.content).startsWith(ENCRYPTED_MESSAGE_PREFIX_V2)),
    ).toBe(true);

    const conversation = await memory.getConversation('c-1');
    expect(conversation.success && conversation.data?.messages).toEqual([...turn1, ...turn2]);
    expect(conversation.success && conversation.data?.userId).toBe('u-1');
    expect(await memory.getRecentMessages('c-1', 2)).toEqual({ success: true, data: turn2 });
    const found = await memory.findConversations({ userId: 'u-1' });
    expect(found.success && found.data.map((c) => c.messages.length)).toEqual([5]);
    expect(await memory.getConversation('missing')).toEqual({ success: true, data: null });
    // Members the wrapper does not need are the base's own.
    expect(await memory.healthCheck()).toEqual({ success: true, data: { healthy: true } });
    expect(await memory.deleteConversation('c-1')).toEqual({ success: true, data: true });
  });

  it('with seal: false, stores and reads back (per-message owner and order still bound)', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring, seal: false });
    await memory.storeMessages('c-ns', turn1, { userId: 'u-1' });
    expect(await memory.appendMessages('c-ns', turn2)).toEqual({ success: true, data: undefined });
    expect(
      (base.rows.get('c-ns')!.metadata as Record<string, unknown> | undefined)?.[
        CONVERSATION_SEAL_FIELD
      ],
    ).toBeUndefined();
    const conversation = await memory.getConversation('c-ns');
    expect(conversation.success && conversation.data?.messages).toEqual([...turn1, ...turn2]);
    // Reassigned to another user: the per-message binding still refuses it.
    base.rows.get('c-ns')!.userId = 'u-2';
    expect((await memory.getConversation('c-ns')).success).toBe(false);
  });

  it('fails a read with a coded MemoryStorageError when stored data was tampered with', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    await memory.storeMessages('c-1', [...turn1, ...turn2]);
    const messages = base.rows.get('c-1')!.messages;
    const original = [...messages];
    [messages[0], messages[3]] = [messages[3]!, messages[0]!];
    expect(await memory.getConversation('c-1')).toMatchObject({
      success: false,
      error: { _tag: 'MemoryStorageError', code: 'MESSAGE_OUT_OF_ORDER' },
    });
    // Swapped with their plaintext positions rewritten to look in order: authentication fails.
    const renumber = (m: ConversationMessage, p: number) => ({
      ...m,
      content: String(m.content).replace(/^jafsec:v2:\d+:/, `jafsec:v2:${p}:`),
    });
    base.rows.get('c-1')!.messages = original.map((m, i) =>
      i === 0 ? renumber(original[3]!, 0) : i === 3 ? renumber(original[0]!, 3) : m,
    );
    const read = await memory.getConversation('c-1');
    expect(read).toMatchObject({
      success: false,
      error: { _tag: 'MemoryStorageError', code: 'MESSAGE_AUTH_FAILED' },
    });
    base.rows.get('c-1')!.messages = original;
    // A conversation copied under another id does not decrypt either.
    base.rows.set('c-2', base.rows.get('c-1')!);
    expect((await memory.getConversation('c-2')).success).toBe(false);
  });

  it('passes the base failure through unchanged', async () => {
    const memory = createEncryptedMemoryProvider(createJafLikeProvider(), { keyring });
    const appended = await memory.appendMessages('nowhere', turn2);
    expect(appended).toMatchObject({ success: false, error: { _tag: 'MemoryNotFoundError' } });
  });

  it('restores to a checkpoint found in plaintext, keeping the encrypted prefix', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    await memory.storeMessages('c-1', [...turn1, ...turn2], { userId: 'u-1' });
    const restored = await memory.restoreToCheckpoint('c-1', {
      byText: 'And my email is ada@example.com',
    });
    expect(restored).toEqual({
      success: true,
      data: {
        restored: true,
        removedMessagesCount: 2,
        checkpointIndex: 3,
        checkpointUserQuery: turn2[0]!.content,
      },
    });
    const after = await memory.getConversation('c-1');
    expect(after.success && after.data?.messages).toEqual(turn1);
    expect(await memory.restoreToCheckpoint('c-1', { byText: 'nope' })).toMatchObject({
      data: { restored: false },
    });
  });

  it('a conversation reassigned to another user no longer opens', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    await memory.storeMessages('c-1', turn1, { userId: 'alice' });
    expect((await memory.getConversation('c-1')).success).toBe(true);
    base.rows.get('c-1')!.userId = 'mallory';
    expect(await memory.getConversation('c-1')).toMatchObject({
      success: false,
      error: { code: 'MESSAGE_AUTH_FAILED' },
    });
    // Nor does one moved out of its owner's hands (no owner).
    base.rows.get('c-1')!.userId = undefined;
    expect((await memory.getConversation('c-1')).success).toBe(false);
  });

  it('dropping the last messages is detected, on read and before an append', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    await memory.storeMessages('c-1', turn1, { userId: 'u-1' });
    await memory.appendMessages('c-1', turn2);
    base.rows.get('c-1')!.messages.pop();
    expect(await memory.getConversation('c-1')).toMatchObject({
      success: false,
      error: { code: 'CONVERSATION_TRUNCATED' },
    });
    expect(await memory.appendMessages('c-1', turn2)).toMatchObject({
      success: false,
      error: { code: 'CONVERSATION_TRUNCATED' },
    });
    // Removing the seal, or bringing another conversation's, does not help.
    const row = base.rows.get('c-1')!;
    const { [CONVERSATION_SEAL_FIELD]: _seal, ...bare } = row.metadata as Record<string, unknown>;
    row.metadata = bare;
    expect(await memory.getConversation('c-1')).toMatchObject({
      error: { code: 'CONVERSATION_SEAL_MISSING' },
    });
    await memory.storeMessages('c-2', turn1, { userId: 'u-1' });
    row.metadata = base.rows.get('c-2')!.metadata;
    expect(await memory.getConversation('c-1')).toMatchObject({
      error: { code: 'CONVERSATION_SEAL_INVALID' },
    });
  });

  it('works with a provider that trims old messages (positions do not shift)', async () => {
    const base = createJafLikeProvider(3);
    const memory = createEncryptedMemoryProvider(base, { keyring });
    const all = [...turn1, ...turn2, { role: 'user', content: 'third turn' }];
    await memory.storeMessages('c-1', all.slice(0, 3), { userId: 'u-1' });
    await memory.appendMessages('c-1', all.slice(3, 5));
    await memory.appendMessages('c-1', all.slice(5));
    expect(base.rows.get('c-1')!.messages).toHaveLength(3);
    const read = await memory.getConversation('c-1');
    expect(read.success && read.data?.messages).toEqual(all.slice(-3));
    // Dropping the newest message of a trimmed conversation is still seen.
    base.rows.get('c-1')!.messages.pop();
    expect((await memory.getConversation('c-1')).success).toBe(false);
  });

  it('any tampering of the stored order, length or owner fails; an untouched one opens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('none', 'dropTail', 'dropMiddle', 'swap', 'owner', 'duplicate'),
        fc.nat(),
        async (turns, attack, pick) => {
          const base = createJafLikeProvider();
          const memory = createEncryptedMemoryProvider(base, { keyring });
          const sent: ConversationMessage[] = [];
          for (const [t, size] of turns.entries()) {
            const batch = Array.from({ length: size }, (_, i) => ({
              role: i % 2 === 0 ? 'user' : 'assistant',
              content: `turn ${t} message ${i}`,
            }));
            sent.push(...batch);
            if (t === 0) await memory.storeMessages('c', batch, { userId: 'u' });
            else await memory.appendMessages('c', batch);
          }
          const row = base.rows.get('c')!;
          const n = row.messages.length;
          const i = pick % n;
          if (attack === 'dropTail') row.messages.splice(n - 1 - (pick % Math.min(n, 2)));
          if (attack === 'dropMiddle' && n >= 3) row.messages.splice(1 + (pick % (n - 2)), 1);
          if (attack === 'swap' && n >= 2) {
            const j = (i + 1) % n;
            [row.messages[i], row.messages[j]] = [row.messages[j]!, row.messages[i]!];
          }
          if (attack === 'owner') row.userId = 'someone-else';
          if (attack === 'duplicate') row.messages.push(row.messages[i]!);
          const read = await memory.getConversation('c');
          const untouched =
            attack === 'none' ||
            ((attack === 'dropMiddle' || attack === 'swap') && n < (attack === 'swap' ? 2 : 3));
          if (untouched) expect(read.success && read.data?.messages).toEqual(sent);
          else expect(read.success).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('still opens conversations stored in the earlier format (v1, no seal)', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    const v1 = await encryptMessages(turn1, keyring, { conversationId: 'old' });
    await base.storeMessages('old', v1, { userId: 'u-1' });
    const read = await memory.getConversation('old');
    expect(read.success && read.data?.messages).toEqual(turn1);
    // An append continues it in the new format and seals it.
    expect((await memory.appendMessages('old', turn2)).success).toBe(true);
    const after = await memory.getConversation('old');
    expect(after.success && after.data?.messages).toEqual([...turn1, ...turn2]);
    base.rows.get('old')!.messages.pop();
    expect((await memory.getConversation('old')).success).toBe(false);
  });

  it('refuses a base that is not a memory provider', () => {
    expect(() => createEncryptedMemoryProvider({} as never, { keyring })).toThrow(/MemoryProvider/);
    expect(() => createEncryptedMemoryProvider(createJafLikeProvider(), {} as never)).toThrow(
      /keyring/,
    );
  });
});
