// Agent conversations kept in PostgreSQL, wired into jaf-sec's privacy tools: the table is
// a GDPR data target (erase / export a user) and a retention target (batched sweep with a
// keyset cursor). Messages are stored encrypted (every role, bound to conversation and
// position) and decrypted only for the user's own export.
import {
  type ConversationMessage,
  decryptMessages,
  encryptMessages,
  type Keyring,
} from '@jaf-sec/core/crypto';
import type {
  ErasureCounts,
  RetentionPage,
  RetentionTarget,
  SubjectDataTarget,
  SweepableRecord,
} from '@jaf-sec/core/privacy';

/** The part of `pg.Pool` / `pg.Client` used here. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** A conversation row as the retention sweep sees it. */
export interface ConversationRecord extends SweepableRecord {
  readonly conversationId: string;
}

export interface PostgresConversationTargetOptions {
  readonly keyring: Keyring;
  /** Table name (letters, digits, underscores). Default `conversations`. */
  readonly table?: string;
  /** Target name in privacy reports. Default `conversations`. */
  readonly name?: string;
}

export interface NewConversation {
  readonly conversationId: string;
  readonly userId: string;
  readonly messages: readonly ConversationMessage[];
  /** Default `conversations`. */
  readonly dataClass?: string;
  readonly createdAt?: Date;
  readonly legalHold?: boolean;
}

export interface PostgresConversationTarget
  extends SubjectDataTarget,
    RetentionTarget<ConversationRecord> {
  /** Creates the table if it is missing. */
  ensureSchema(): Promise<void>;
  /** Encrypts the messages and stores one conversation. */
  saveConversation(conversation: NewConversation): Promise<void>;
}

interface Row extends Record<string, unknown> {
  id: string;
  conversation_id: string;
  user_id: string | null;
  data_class: string;
  messages: ConversationMessage[];
  created_at: Date;
  legal_hold: boolean;
  anonymized_at: Date | null;
}

/**
 * Creates the PostgreSQL conversation target.
 *
 * @example
 * ```ts
 * const conversations = createPostgresConversationTarget(pool, { keyring });
 * await conversations.ensureSchema();
 * await eraseSubject('user-42', [conversations, profiles]);
 * ```
 */
export function createPostgresConversationTarget(
  db: Queryable,
  options: PostgresConversationTargetOptions,
): PostgresConversationTarget {
  const table = options.table ?? 'conversations';
  // Identifiers cannot be bound as parameters: allow only a plain name.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
    throw new TypeError('table must be a plain lower-case identifier');
  }
  const { keyring } = options;

  return {
    name: options.name ?? 'conversations',

    async ensureSchema() {
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (
        id BIGSERIAL PRIMARY KEY,
        conversation_id TEXT NOT NULL UNIQUE,
        user_id TEXT,
        data_class TEXT NOT NULL DEFAULT 'conversations',
        messages JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        legal_hold BOOLEAN NOT NULL DEFAULT false,
        anonymized_at TIMESTAMPTZ
      )`);
      await db.query(`CREATE INDEX IF NOT EXISTS ${table}_user_id ON ${table} (user_id)`);
    },

    async saveConversation(c) {
      const sealed = await encryptMessages(c.messages, keyring, {
        conversationId: c.conversationId,
      });
      await db.query(
        `INSERT INTO ${table} (conversation_id, user_id, data_class, messages, created_at, legal_hold)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
        [
          c.conversationId,
          c.userId,
          c.dataClass ?? 'conversations',
          JSON.stringify(sealed),
          c.createdAt ?? new Date(),
          c.legalHold ?? false,
        ],
      );
    },

    // GDPR art. 17: the user's conversations go entirely. Idempotent: a second run deletes 0.
    async eraseSubject(userId): Promise<ErasureCounts> {
      const result = await db.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
      return { deleted: result.rowCount ?? 0 };
    },

    // GDPR art. 15: the user's conversations, decrypted. A row that fails to decrypt makes
    // the export fail (reported per target), never hands over partial or garbled data.
    async exportSubject(userId) {
      const { rows } = await db.query<Row>(
        `SELECT conversation_id, data_class, messages, created_at FROM ${table}
         WHERE user_id = $1 ORDER BY id`,
        [userId],
      );
      const out = [];
      for (const row of rows) {
        const opened = await decryptMessages(row.messages, keyring, {
          conversationId: row.conversation_id,
        });
        if (!opened.ok) throw new Error(`conversation export failed: ${opened.error.code}`);
        out.push({
          conversationId: row.conversation_id,
          dataClass: row.data_class,
          createdAt: row.created_at.toISOString(),
          messages: opened.value,
        });
      }
      return out;
    },

    // Keyset pagination on the primary key: deleting rows during a sweep skips nothing.
    async scan(cursor, limit): Promise<RetentionPage<ConversationRecord>> {
      const { rows } = await db.query<Row>(
        `SELECT id, conversation_id, data_class, created_at, legal_hold, anonymized_at
         FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`,
        [cursor ?? '0', limit + 1],
      );
      const page = rows.slice(0, limit);
      const records = page.map((row) => ({
        id: String(row.id),
        conversationId: row.conversation_id,
        dataClass: row.data_class,
        createdAt: row.created_at.getTime(),
        legalHold: row.legal_hold,
        anonymizedAt: row.anonymized_at?.getTime() ?? null,
      }));
      return rows.length > limit
        ? { records, nextCursor: records[records.length - 1]!.id }
        : { records };
    },

    async deleteRecords(ids) {
      const result = await db.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [ids]);
      return result.rowCount ?? 0;
    },

    // Anonymized conversations keep their class and dates (for statistics) and lose the
    // user and every message.
    async anonymizeRecords(ids, now) {
      const result = await db.query(
        `UPDATE ${table} SET user_id = NULL, messages = '[]'::jsonb, anonymized_at = $2
         WHERE id = ANY($1::bigint[]) AND anonymized_at IS NULL`,
        [ids, new Date(now)],
      );
      return result.rowCount ?? 0;
    },
  };
}
