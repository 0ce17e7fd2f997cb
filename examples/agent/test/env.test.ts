import { describe, expect, it } from 'vitest';
import { readAgentEnv } from '../src/context';

describe('readAgentEnv', () => {
  it('reads origins, proxies, burst switch and the chat limit', () => {
    expect(
      readAgentEnv({
        CORS_ORIGINS: 'https://a.example, https://b.example',
        TRUSTED_PROXIES: 'loopback,10.0.0.0/8',
        SHIELD_BURST: 'off',
        CHAT_RATE_LIMIT: '5/30',
      }),
    ).toEqual({
      corsOrigins: ['https://a.example', 'https://b.example'],
      trustedProxies: ['loopback', '10.0.0.0/8'],
      limits: { burst: false, chat: { limit: 5, windowMs: 30_000 } },
    });
    expect(readAgentEnv({}).limits).toBeUndefined();
  });

  it('reads a burst limit as <limit>/<window seconds>', () => {
    expect(readAgentEnv({ SHIELD_BURST: '50/1' }).limits).toEqual({
      burst: { limit: 50, windowMs: 1000 },
    });
    for (const bad of ['on', '50', '0/1', '50/0', '5/1/2', '-1/1']) {
      expect(() => readAgentEnv({ SHIELD_BURST: bad })).toThrow(/off or <limit>\/<window seconds>/);
    }
  });

  it('refuses a malformed CHAT_RATE_LIMIT with a fix-it message', () => {
    for (const bad of ['20', '0/60', '20/0', 'x/60', '1.5/60', '20/60/1']) {
      expect(() => readAgentEnv({ CHAT_RATE_LIMIT: bad })).toThrow(/<limit>\/<window seconds>/);
    }
  });

  it('reads REDIS_URL, REDIS_PREFIX and REDIS_TIMEOUT_MS; unset keeps the in-memory stores', () => {
    expect(readAgentEnv({})).not.toHaveProperty('redisUrl');
    expect(readAgentEnv({ REDIS_URL: '' })).not.toHaveProperty('redisUrl');
    expect(
      readAgentEnv({
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_PREFIX: 'app:',
        REDIS_TIMEOUT_MS: '200',
      }),
    ).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'app:',
      redisTimeoutMs: 200,
    });
    expect(readAgentEnv({ REDIS_URL: 'rediss://user:pw@cache.example:6380' }).redisUrl).toBe(
      'rediss://user:pw@cache.example:6380',
    );
  });

  it('refuses a REDIS_URL that is not redis:// without repeating it (it may hold a password)', () => {
    for (const bad of ['http://h:6379', '127.0.0.1:6379', 'redis://', 'redis://a b']) {
      expect(() => readAgentEnv({ REDIS_URL: bad })).toThrow(/REDIS_URL must read redis:\/\//);
    }
    try {
      readAgentEnv({ REDIS_URL: 'postgres://admin:s3cret-pw@db:5432' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('s3cret-pw');
    }
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      expect(() => readAgentEnv({ REDIS_TIMEOUT_MS: bad })).toThrow(/REDIS_TIMEOUT_MS must be/);
    }
  });
});
