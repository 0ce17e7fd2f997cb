// Provider keys an agent app holds (issue 15). Each family is checked as a property: any body
// of the provider's documented length and alphabet is found, with its provider, in the
// placements keys turn up in (env files, JSON, headers, chat); random hashes, UUIDs and base64
// blobs are not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { redact } from './redact.js';
import type { ApiKeyProvider, PiiType } from './types.js';

const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DIG = '0123456789';
const B62 = DIG + UP + LO;
const B64U = `${B62}-_`;
const HEX = '0123456789abcdef';

const hasAscendingRun = (v: string): boolean => {
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    run = v.charCodeAt(i) === v.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 8) return true;
  }
  return false;
};

/** Strings of exactly `n` characters of `alphabet` with every class it has, not placeholders. */
// Real keys are uniformly random: a body is drawn from a seeded PRNG rather than built
// character by character, since fast-check's bias towards small and repeated values would
// produce low-entropy bodies (runs of one character) that the detector rightly treats as
// placeholders, and no provider issues.
const body = (n: number, alphabet: string): fc.Arbitrary<string> =>
  fc
    .integer({ min: 1, max: 0x7fffffff })
    .map((seed) => {
      let x = seed;
      let out = '';
      for (let i = 0; i < n; i++) {
        // xorshift32
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out += alphabet[(x >>> 0) % alphabet.length];
      }
      return out;
    })
    .filter((v) => {
      if (/[A-Z]/.test(alphabet) && !/[A-Z]/.test(v)) return false;
      if (/[a-z]/.test(alphabet) && !/[a-z]/.test(v)) return false;
      if (/[0-9]/.test(alphabet) && !/[0-9]/.test(v)) return false;
      return !/(.)\1{5}/.test(v) && (n < 16 || new Set(v).size >= 7) && !hasAscendingRun(v);
    });

const snowflake = fc
  .array(fc.constantFrom(...DIG), { minLength: 17, maxLength: 17 })
  .map((d) => btoa(`1${d.join('')}`).replaceAll('=', ''));

type Family = [string, PiiType, ApiKeyProvider | undefined, fc.Arbitrary<string>, string];
// [name, type, provider, value, how it is written ("{}" is the value)]
const FAMILIES: Family[] = [
  [
    'OpenAI project key',
    'API_KEY',
    'openai',
    fc.tuple(body(74, B64U), body(74, B64U)).map(([a, b]) => `sk-proj-${a}T3BlbkFJ${b}`),
    'OPENAI_API_KEY={}',
  ],
  [
    'OpenAI legacy key',
    'API_KEY',
    'openai',
    fc.tuple(body(20, B62), body(20, B62)).map(([a, b]) => `sk-${a}T3BlbkFJ${b}`),
    'client = OpenAI(api_key="{}")',
  ],
  [
    'OpenAI service account',
    'API_KEY',
    'openai',
    body(64, B62).map((b) => `sk-svcacct-${b}`),
    '-H "Authorization: Bearer {}"',
  ],
  [
    'Anthropic',
    'API_KEY',
    'anthropic',
    body(93, B64U).map((b) => `sk-ant-api03-${b}AA`),
    'x-api-key: {}',
  ],
  [
    'Google / Gemini',
    'API_KEY',
    'google',
    body(35, B64U).map((b) => `AIza${b}`),
    '?key={}&alt=sse',
  ],
  ['Azure OpenAI (env)', 'API_KEY', 'azure-openai', body(32, HEX), 'AZURE_OPENAI_API_KEY={}'],
  ['Azure OpenAI (header)', 'API_KEY', 'azure-openai', body(32, HEX), 'curl -H "api-key: {}" $URL'],
  [
    'Hugging Face',
    'API_KEY',
    'huggingface',
    body(34, UP + LO).map((b) => `hf_${b}`),
    'HF_TOKEN={}',
  ],
  ['Cohere', 'API_KEY', 'cohere', body(40, B62), '"cohere_api_key": "{}"'],
  ['Mistral', 'API_KEY', 'mistral', body(32, B62), 'export MISTRAL_API_KEY="{}"'],
  ['Groq', 'API_KEY', 'groq', body(52, B62).map((b) => `gsk_${b}`), 'groq key {} leaked'],
  ['Replicate', 'API_KEY', 'replicate', body(37, B62).map((b) => `r8_${b}`), 'token={}'],
  [
    'Pinecone',
    'API_KEY',
    'pinecone',
    fc.tuple(body(6, B62), body(64, B62)).map(([a, b]) => `pcsk_${a}_${b}`),
    'PINECONE_API_KEY={}',
  ],
  [
    'Pinecone (legacy UUID)',
    'API_KEY',
    'pinecone',
    fc.uuid({ version: 4 }).filter((u) => !/(.)\1{5}/.test(u) && !hasAscendingRun(u)),
    'PINECONE_API_KEY={}',
  ],
  ['GitLab', 'API_KEY', 'gitlab', body(20, B64U).map((b) => `glpat-${b}`), 'PRIVATE-TOKEN: {}'],
  [
    'npm',
    'API_KEY',
    'npm',
    body(36, B62).map((b) => `npm_${b}`),
    '//registry.npmjs.org/:_authToken={}',
  ],
  ['Twilio', 'API_KEY', 'twilio', body(32, HEX).map((b) => `SK${b}`), 'twilio api key {}'],
  [
    'SendGrid',
    'API_KEY',
    'sendgrid',
    fc.tuple(body(22, B64U), body(43, B64U)).map(([a, b]) => `SG.${a}.${b}`),
    'SENDGRID_API_KEY={}',
  ],
  [
    'Discord bot',
    'API_KEY',
    'discord',
    fc.tuple(snowflake, body(6, B64U), body(27, B64U)).map(([a, b, c]) => `${a}.${b}.${c}`),
    'DISCORD_TOKEN={}',
  ],
  [
    'Telegram bot',
    'API_KEY',
    'telegram',
    fc
      .tuple(fc.integer({ min: 10_000_000, max: 9_999_999_999 }), body(33, B64U))
      .map(([id, b]) => `${id}:AA${b}`),
    'bot token {} for alerts',
  ],
  [
    'Shopify',
    'API_KEY',
    'shopify',
    body(32, HEX).map((b) => `shpat_${b}`),
    'X-Shopify-Access-Token: {}',
  ],
  [
    'Supabase',
    'API_KEY',
    'supabase',
    body(40, HEX).map((b) => `sbp_${b}`),
    'SUPABASE_ACCESS_TOKEN={}',
  ],
  [
    'Databricks',
    'API_KEY',
    'databricks',
    body(32, HEX).map((b) => `dapi${b}`),
    'DATABRICKS_TOKEN={}',
  ],
  [
    'AWS key id',
    'AWS_ACCESS_KEY_ID',
    undefined,
    body(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567').map((b) => `AKIA${b}`),
    'aws_access_key_id = {}',
  ],
  ['GitHub classic', 'GITHUB_TOKEN', undefined, body(36, B62).map((b) => `ghp_${b}`), 'token {}'],
  [
    'GitHub fine-grained',
    'GITHUB_TOKEN',
    undefined,
    fc.tuple(body(22, B62), body(59, B62)).map(([a, b]) => `github_pat_${a}_${b}`),
    'GH_TOKEN={}',
  ],
  [
    'GitHub app',
    'GITHUB_TOKEN',
    undefined,
    body(36, B62).map((b) => `ghs_${b}`),
    'installation token {}',
  ],
  [
    'Stripe',
    'STRIPE_KEY',
    undefined,
    body(99, B62).map((b) => `sk_live_${b}`),
    'STRIPE_SECRET_KEY={}',
  ],
  [
    'Slack',
    'SLACK_TOKEN',
    undefined,
    body(24, B62).map((b) => `xoxb-12345678901-1234567890123-${b}`),
    'SLACK_BOT_TOKEN={}',
  ],
  [
    'connection string',
    'URL_CREDENTIALS',
    undefined,
    body(16, B62).map((b) => `svc:${b}`),
    'DATABASE_URL=postgres://{}@db.internal:5432/app',
  ],
];

describe('provider keys', () => {
  it.each(FAMILIES)('finds %s keys', (_name, type, provider, value, template) => {
    fc.assert(
      fc.property(value, (v) => {
        const text = template.replace('{}', v);
        const hits = detect(text);
        expect(hits.map((e) => [e.type, e.value, e.provider])).toEqual([[type, v, provider]]);
        expect(redact(text)).not.toContain(v);
      }),
      { numRuns: 60 },
    );
  });

  it('finds a GCP service-account private key inside its JSON', () => {
    const key = `-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\nq3Lk2Zp9eX0aRt5WmN8yVbH1cJ4uFoIg\\n-----END PRIVATE KEY-----`;
    const json = `{"type": "service_account", "private_key_id": "1f", "private_key": "${key}\\n"}`;
    expect(detect(json).map((e) => [e.type, e.value])).toEqual([['PRIVATE_KEY', key]]);
  });

  it('does not take a Stripe-like sk- word or a short sk- id for an OpenAI key', () => {
    expect(detect('task-sk-1234 and sk-short and risk-free')).toEqual([]);
  });

  it('does not name a provider for a 32-hex value without its key name', () => {
    expect(detect(`api_key=${'9f86d081884c7d659a2feaa0c55ad015'}`)).toEqual([]);
  });
});

describe('random material is not a secret', () => {
  const places = ['sha={}', 'checksum {} ok', '"id": "{}",', 'GET /files/{} 200', '{}', '[{}]'];
  const blob = fc.oneof(
    body(32, HEX),
    body(40, HEX),
    body(64, HEX),
    fc.uuid(),
    fc.uint8Array({ minLength: 16, maxLength: 64 }).map((b) => btoa(String.fromCharCode(...b))),
    fc
      .uint8Array({ minLength: 16, maxLength: 64 })
      .map((b) =>
        btoa(String.fromCharCode(...b)).replace(/[+/=]/g, (c) =>
          c === '+' ? '-' : c === '/' ? '_' : '',
        ),
      ),
  );
  it('hashes, UUIDs and base64 blobs find nothing', () => {
    fc.assert(
      fc.property(blob, fc.constantFrom(...places), (b, place) => {
        expect(detect(place.replace('{}', b))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});
