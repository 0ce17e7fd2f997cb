// The example's "agent": an in-memory chat service with bounded storage. It stands in for a
// real LLM-backed agent; what matters here is who may call it, which jaf-sec decides.

/** One message of a conversation. */
export interface AgentMessage {
  readonly role: 'user' | 'agent';
  readonly content: string;
  readonly at: number;
}

/** What the service keeps per conversation. */
export interface Conversation {
  readonly id: string;
  readonly owner: string;
  readonly messages: AgentMessage[];
}

/** Options of {@link createAgentService}. */
export interface AgentServiceOptions {
  /** Oldest conversations are dropped beyond this many. Default 1000. */
  readonly maxConversations?: number;
  /** Messages kept per conversation. Default 50. */
  readonly maxMessages?: number;
  readonly clock?: () => number;
}

/** The in-memory agent behind every example server. */
export interface AgentService {
  chat(
    owner: string,
    message: string,
    conversationId?: string,
  ): { conversationId: string; reply: string };
  process(client: string, task: string): { taskId: string; result: string };
  stats(): { conversations: number; messages: number; tasks: number };
}

/**
 * Creates the in-memory agent.
 *
 * @example
 * ```ts
 * const agent = createAgentService();
 * agent.chat('user-1', 'hello'); // { conversationId: 'c1', reply: 'You said: hello' }
 * ```
 */
export function createAgentService(options: AgentServiceOptions = {}): AgentService {
  const maxConversations = options.maxConversations ?? 1000;
  const maxMessages = options.maxMessages ?? 50;
  const clock = options.clock ?? Date.now;
  const conversations = new Map<string, Conversation>();
  let nextConversation = 1;
  let tasks = 0;

  return {
    chat(owner, message) {
      // One conversation per principal: a caller can only ever reach its own.
      let conversation = conversations.get(owner);
      if (!conversation) {
        conversation = { id: `c${nextConversation++}`, owner, messages: [] };
        conversations.set(owner, conversation);
        if (conversations.size > maxConversations) {
          conversations.delete(conversations.keys().next().value as string);
        }
      }
      const reply = `You said: ${message}`;
      const now = clock();
      conversation.messages.push({ role: 'user', content: message, at: now });
      conversation.messages.push({ role: 'agent', content: reply, at: now });
      if (conversation.messages.length > maxMessages) {
        conversation.messages.splice(0, conversation.messages.length - maxMessages);
      }
      return { conversationId: conversation.id, reply };
    },
    process(client, task) {
      tasks++;
      return { taskId: `t${tasks}`, result: `Processed for ${client}: ${task.slice(0, 200)}` };
    },
    stats() {
      let messages = 0;
      for (const c of conversations.values()) messages += c.messages.length;
      return { conversations: conversations.size, messages, tasks };
    },
  };
}
