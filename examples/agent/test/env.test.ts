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
});
