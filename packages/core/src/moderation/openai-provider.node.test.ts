import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentFilter } from './content-filter.js';
import { createOpenAiModerationProvider, ModerationProviderError } from './openai-provider.js';

// A local server that answers like POST /v1/moderations, by the input it receives.
let server: Server;
let base: string;
const held: ServerResponse[] = [];
const seen: { auth?: string; body?: unknown }[] = [];

const answer = (req: IncomingMessage, res: ServerResponse) => {
  let raw = '';
  req.on('data', (c) => {
    raw += c;
  });
  req.on('end', () => {
    const body = JSON.parse(raw) as { input: string; model: string };
    seen.push({ auth: req.headers.authorization, body });
    const send = (status: number, payload: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload);
    };
    if (body.input === 'hang') return void held.push(res);
    if (body.input === '500') return send(500, '{"error":{"message":"boom"}}');
    if (body.input === '503') return send(503, 'unavailable');
    if (body.input === 'garbage') return send(200, 'not json');
    if (body.input === 'empty') return send(200, '{"results":[]}');
    const bad = body.input.includes('hate');
    send(
      200,
      JSON.stringify({
        id: 'modr-1',
        model: body.model,
        results: [
          {
            flagged: bad,
            categories: { harassment: bad, violence: false },
            category_scores: { harassment: bad ? 0.97 : 0.01, violence: 0.001 },
          },
        ],
      }),
    );
  });
};

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const r of held) r.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const provider = () => createOpenAiModerationProvider({ apiKey: 'sk-test-123', baseUrl: base });
const signal = () => new AbortController().signal;

describe('OpenAI moderation provider against a local server', () => {
  it('sends the model and input with the bearer key and reads the verdict', async () => {
    const v = await provider().moderate('I hate you', { signal: signal() });
    expect(v.flagged).toBe(true);
    expect(v.categories).toEqual(['harassment']);
    expect(v.scores?.harassment).toBe(0.97);
    expect(seen.at(-1)).toEqual({
      auth: 'Bearer sk-test-123',
      body: { model: 'omni-moderation-latest', input: 'I hate you' },
    });
    expect((await provider().moderate('hello', { signal: signal() })).flagged).toBe(false);
  });

  it.each([
    ['500', 'MODERATION_HTTP_ERROR', 500],
    ['503', 'MODERATION_HTTP_ERROR', 503],
    ['garbage', 'MODERATION_BAD_RESPONSE', undefined],
    ['empty', 'MODERATION_BAD_RESPONSE', undefined],
  ])('rejects %s with %s', async (input, code, status) => {
    const err = await provider()
      .moderate(input, { signal: signal() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModerationProviderError);
    expect((err as ModerationProviderError).code).toBe(code);
    expect((err as ModerationProviderError).status).toBe(status);
    expect((err as Error).message).not.toContain('sk-test-123');
  });

  it('fails closed on 5xx and open when told to', async () => {
    const closed = createContentFilter({ provider: provider(), onProviderError: 'block' });
    expect(await closed.check('503')).toMatchObject({
      allowed: false,
      code: 'PROVIDER_FAILED_BLOCKED',
    });
    const open = createContentFilter({ provider: provider(), onProviderError: 'allow' });
    expect(await open.check('500')).toMatchObject({
      allowed: true,
      code: 'PROVIDER_FAILED_ALLOWED',
    });
  });

  it('times out a hanging endpoint with AbortSignal.timeout', async () => {
    const f = createContentFilter({
      provider: provider(),
      onProviderError: 'block',
      timeoutMs: 50,
    });
    expect(await f.check('hang')).toMatchObject({
      allowed: false,
      code: 'PROVIDER_FAILED_BLOCKED',
      provider: { status: 'timeout', name: 'openai' },
    });
  });

  it('reports a network failure as an error', async () => {
    const p = createOpenAiModerationProvider({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v1' });
    const err = await p.moderate('x', { signal: signal() }).catch((e: unknown) => e);
    expect((err as ModerationProviderError).code).toBe('MODERATION_NETWORK_ERROR');
  });

  it('refuses a plain-http base URL that is not local', () => {
    expect(() =>
      createOpenAiModerationProvider({ apiKey: 'k', baseUrl: 'http://api.example.com' }),
    ).toThrow(/https/);
    expect(() => createOpenAiModerationProvider({ apiKey: '' })).toThrow(/apiKey/);
  });
});
