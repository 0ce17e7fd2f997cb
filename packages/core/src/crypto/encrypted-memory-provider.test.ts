import { describe, expect, it } from 'vitest';
import type { ConversationMessage } from './encrypt-messages.js';
import { ENCRYPTED_MESSAGE_PREFIX } from './encrypt-messages.js';
import {
  createEncryptedMemoryProvider,
  type StoredConversation,
} from './encrypted-memory-provider.js';
import { createKeyring } from './keyring.js';

type Result<T> =
  | { success: true; data: T }
  | { success: false; error: { _tag: string; message: string } };

/** A minimal provider with JAF's MemoryProvider shape, keeping what it is given as JSON. */
function createJafLikeProvider() {
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
    async appendMessages(id: string, messages: readonly ConversationMessage[]) {
      const row = rows.get(id);
      if (!row)
        return {
          success: false as const,
          error: { _tag: 'MemoryNotFoundError', message: 'not found' },
        };
      row.messages.push(...JSON.parse(JSON.stringify(messages)));
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
        .messages.every((m) => String(m.content).startsWith(ENCRYPTED_MESSAGE_PREFIX)),
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

  it('fails a read with a coded MemoryStorageError when stored data was tampered with', async () => {
    const base = createJafLikeProvider();
    const memory = createEncryptedMemoryProvider(base, { keyring });
    await memory.storeMessages('c-1', [...turn1, ...turn2]);
    const messages = base.rows.get('c-1')!.messages;
    [messages[0], messages[3]] = [messages[3]!, messages[0]!];
    const read = await memory.getConversation('c-1');
    expect(read).toMatchObject({
      success: false,
      error: { _tag: 'MemoryStorageError', code: 'MESSAGE_AUTH_FAILED' },
    });
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

  it('refuses a base that is not a memory provider', () => {
    expect(() => createEncryptedMemoryProvider({} as never, { keyring })).toThrow(/MemoryProvider/);
    expect(() => createEncryptedMemoryProvider(createJafLikeProvider(), {} as never)).toThrow(
      /keyring/,
    );
  });
});
