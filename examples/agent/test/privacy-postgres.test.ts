// GDPR erasure and export, and a retention sweep, against a real PostgreSQL (127.0.0.1:5432,
// started by `.ci/run` in CI) beside the in-memory target from @jaf-sec/core.
//
// Connection: PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE when set (defaults 127.0.0.1, 5432,
// postgres, no password, postgres). When that login is refused (a stock Debian cluster asks
// TCP clients for a password and the postgres role has none) and the test runs as root, it
// creates a dedicated role and database through `su postgres -c psql` (peer authentication
// on the local socket) and logs in as that role with a password.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createKeyring, generateKey } from '@jaf-sec/core/crypto';
import {
  createMemoryDataTarget,
  defineRetentionPolicy,
  eraseSubject,
  exportSubject,
  type MemoryDataRecord,
  sweepRetention,
} from '@jaf-sec/core/privacy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresConversationTarget } from '../src/privacy-postgres-target.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 28, 12);
const TEST_ROLE = 'jafsec_privacy_test';

// Read through a plain record: these are the libpq variables a developer may set, not
// build inputs for turbo to hash.
const env: Record<string, string | undefined> = process.env;

function baseConfig(): pg.ClientConfig {
  return {
    host: env.PGHOST ?? '127.0.0.1',
    port: Number(env.PGPORT ?? 5432),
    user: env.PGUSER ?? 'postgres',
    password: env.PGPASSWORD,
    database: env.PGDATABASE ?? 'postgres',
    connectionTimeoutMillis: 5000,
  };
}

async function tryConnect(config: pg.ClientConfig): Promise<pg.Pool | Error> {
  const pool = new pg.Pool({ ...config, max: 4 });
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end();
    return error as Error;
  }
}

// psql run through su inherits the environment: drop PG* so it uses the local socket as postgres.
const suEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
const asPostgres = (command: string, input?: string): string =>
  execFileSync('su', ['postgres', '-c', command], {
    env: suEnv,
    ...(input === undefined ? {} : { input }),
    stdio: ['pipe', 'pipe', 'inherit'],
  }).toString();

/** Creates (or resets the password of) a login role and its database as the postgres OS user. */
function provisionRole(password: string): void {
  const sql = [
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEST_ROLE}') THEN
         CREATE ROLE ${TEST_ROLE} LOGIN;
       END IF;
     END $$;`,
    `ALTER ROLE ${TEST_ROLE} WITH LOGIN PASSWORD '${password}';`,
  ].join('\n');
  asPostgres('psql -v ON_ERROR_STOP=1 -q -f -', sql);
  const exists = asPostgres(
    `psql -tAq -c "SELECT 1 FROM pg_database WHERE datname = '${TEST_ROLE}'"`,
  ).trim();
  if (exists !== '1') {
    asPostgres(`psql -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE ${TEST_ROLE} OWNER ${TEST_ROLE}"`);
  }
}

async function connect(): Promise<pg.Pool> {
  const first = await tryConnect(baseConfig());
  if (!(first instanceof Error)) return first;
  const code = (first as { code?: string }).code;
  // 28P01/28000: the server refused the login. A stock Debian cluster asks TCP clients for a
  // SCRAM password; with none to give, node-postgres fails before the server answers, with a
  // SASL error that has no code: that is a refused login too.
  const authRefused =
    code === '28P01' || code === '28000' || /SASL|password must be a string/i.test(first.message);
  if (!authRefused || process.getuid?.() !== 0) throw first;
  const password = randomBytes(18).toString('base64url');
  provisionRole(password);
  const second = await tryConnect({
    ...baseConfig(),
    user: TEST_ROLE,
    password,
    database: TEST_ROLE,
  });
  if (second instanceof Error) throw second;
  return second;
}

const keyring = createKeyring({ keys: [{ id: 'conv-1', key: generateKey() }] });
const policy = defineRetentionPolicy({
  classes: {
    conversations: { days: 30, action: 'delete' },
    support: { days: 30, action: 'anonymize' },
  },
});
const chat = (text: string) => [
  { role: 'system', content: 'You are a booking agent.' },
  { role: 'user', content: text },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      {
        id: 'c1',
        type: 'function',
        function: { name: 'lookup', arguments: JSON.stringify({ q: text }) },
      },
    ],
  },
  { role: 'tool', tool_call_id: 'c1', content: `found: ${text}` },
];

let pool: pg.Pool;
const table = `conversations_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  pool = await connect();
}, 30_000);

afterAll(async () => {
  if (!pool) return;
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
});

describe('PostgreSQL conversations as a privacy target', () => {
  it('erases, exports and sweeps real rows beside the in-memory target', async () => {
    const conversations = createPostgresConversationTarget(pool, { keyring, table });
    await conversations.ensureSchema();
    const profiles = createMemoryDataTarget<MemoryDataRecord>({ name: 'profiles' });
    profiles.insert({
      id: 'p1',
      subjectId: 'u-1',
      dataClass: 'profile',
      createdAt: now,
      email: 'ada@example.com',
    });
    profiles.insert({
      id: 'p2',
      subjectId: 'u-2',
      dataClass: 'profile',
      createdAt: now,
      email: 'bob@example.com',
    });

    const old = new Date(now - 40 * DAY);
    const recent = new Date(now - 2 * DAY);
    await conversations.saveConversation({
      conversationId: 'a',
      userId: 'u-1',
      messages: chat('IBAN DE89 3704'),
      createdAt: recent,
    });
    await conversations.saveConversation({
      conversationId: 'b',
      userId: 'u-1',
      messages: chat('flight to Oslo'),
      createdAt: old,
    });
    await conversations.saveConversation({
      conversationId: 'c',
      userId: 'u-2',
      messages: chat('passport X123'),
      createdAt: recent,
    });
    await conversations.saveConversation({
      conversationId: 'd',
      userId: 'u-2',
      messages: chat('old chat'),
      createdAt: old,
    });
    await conversations.saveConversation({
      conversationId: 'e',
      userId: 'u-3',
      messages: chat('held'),
      createdAt: old,
      legalHold: true,
    });
    await conversations.saveConversation({
      conversationId: 'f',
      userId: 'u-3',
      messages: chat('ticket'),
      createdAt: old,
      dataClass: 'support',
    });
    await conversations.saveConversation({
      conversationId: 'g',
      userId: 'u-3',
      messages: chat('new ticket'),
      createdAt: recent,
      dataClass: 'support',
    });

    // Stored encrypted: no message text reaches the table.
    const raw = await pool.query(`SELECT messages::text AS m FROM ${table}`);
    const stored = raw.rows.map((r) => r.m).join('\n');
    for (const secret of ['IBAN', 'Oslo', 'X123', 'booking agent', 'lookup'])
      expect(stored).not.toContain(secret);

    // Export (art. 15): decrypted, only the subject's rows, from both targets.
    const exported = await exportSubject('u-2', [conversations, profiles], { now });
    expect(exported.ok).toBe(true);
    if (!exported.ok) return;
    expect(exported.value.complete).toBe(true);
    const [pgExport, memExport] = exported.value.targets;
    expect(pgExport).toMatchObject({ target: 'conversations', status: 'done' });
    if (pgExport?.status !== 'done') return;
    expect(pgExport.records).toEqual([
      {
        conversationId: 'c',
        dataClass: 'conversations',
        createdAt: recent.toISOString(),
        messages: chat('passport X123'),
      },
      {
        conversationId: 'd',
        dataClass: 'conversations',
        createdAt: old.toISOString(),
        messages: chat('old chat'),
      },
    ]);
    expect(memExport).toMatchObject({
      target: 'profiles',
      status: 'done',
      records: [{ email: 'bob@example.com' }],
    });

    // Erasure (art. 17) of u-1 from both targets, then again: idempotent.
    const erased = await eraseSubject('u-1', [conversations, profiles], { now });
    expect(erased.ok && erased.value.targets).toEqual([
      { target: 'conversations', status: 'done', deleted: 2, anonymized: 0 },
      { target: 'profiles', status: 'done', deleted: 1, anonymized: 0 },
    ]);
    const left = await pool.query(`SELECT conversation_id FROM ${table} WHERE user_id = 'u-1'`);
    expect(left.rowCount).toBe(0);
    const again = await eraseSubject('u-1', [conversations, profiles], { now });
    expect(
      again.ok && again.value.targets.map((t) => (t.status === 'done' ? t.deleted : -1)),
    ).toEqual([0, 0]);

    // Retention sweep in pages of 2: old 'conversations' rows go, old 'support' rows are
    // anonymized, the held row and recent rows stay.
    const first = await sweepRetention(conversations, policy, { now, batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ done: false, batches: 1, scanned: 2 });
    const rest = await sweepRetention(conversations, policy, {
      now,
      batchSize: 2,
      cursor: first.cursor,
    });
    expect(rest).toMatchObject({ done: true, skipped: [] });
    expect(first.deleted + rest.deleted).toBe(1); // d
    expect(first.anonymized + rest.anonymized).toBe(1); // f
    expect(first.held + rest.held).toBe(1); // e
    const after = await pool.query(
      `SELECT conversation_id, user_id, jsonb_array_length(messages) AS n, anonymized_at IS NOT NULL AS anon
       FROM ${table} ORDER BY conversation_id`,
    );
    expect(after.rows).toEqual([
      { conversation_id: 'c', user_id: 'u-2', n: 4, anon: false },
      { conversation_id: 'e', user_id: 'u-3', n: 4, anon: false },
      { conversation_id: 'f', user_id: null, n: 0, anon: true },
      { conversation_id: 'g', user_id: 'u-3', n: 4, anon: false },
    ]);
    const idle = await sweepRetention(conversations, policy, { now });
    expect(idle).toMatchObject({ done: true, deleted: 0, anonymized: 0 });
  }, 30_000);

  it('reports a failing PostgreSQL target and completes on retry', async () => {
    const missing = createPostgresConversationTarget(pool, { keyring, table: `${table}_missing` });
    const profiles = createMemoryDataTarget<MemoryDataRecord>({ name: 'profiles' });
    profiles.insert({ id: 'p9', subjectId: 'u-9', dataClass: 'profile', createdAt: now });
    const failed = await eraseSubject('u-9', [missing, profiles], { now });
    expect(failed.ok && failed.value).toMatchObject({
      complete: false,
      failed: ['conversations'],
      targets: [
        { target: 'conversations', status: 'failed', error: { code: 'PRIVACY_TARGET_FAILED' } },
        { target: 'profiles', status: 'done', deleted: 1 },
      ],
    });
    await missing.ensureSchema();
    const retried = await eraseSubject('u-9', [missing, profiles], {
      now,
      only: ['conversations'],
    });
    expect(retried.ok && retried.value).toMatchObject({
      complete: true,
      targets: [{ status: 'done', deleted: 0 }],
    });
    await pool.query(`DROP TABLE IF EXISTS ${table}_missing`);
  }, 30_000);

  it('refuses an export whose stored ciphertext was tampered with', async () => {
    const conversations = createPostgresConversationTarget(pool, { keyring, table });
    await conversations.saveConversation({
      conversationId: 'h',
      userId: 'u-7',
      messages: chat('secret'),
      createdAt: new Date(now),
    });
    // Swap two stored messages: each is bound to its position, so decryption must fail.
    await pool.query(
      `UPDATE ${table} SET messages = jsonb_build_array(messages->1, messages->0, messages->2, messages->3)
       WHERE conversation_id = 'h'`,
    );
    const exported = await exportSubject('u-7', [conversations], { now });
    expect(exported.ok && exported.value).toMatchObject({
      complete: false,
      failed: ['conversations'],
    });
  }, 30_000);
});
