// Tested against the real OpenTelemetry SDK (sdk-metrics, sdk-trace-base, in-memory exporters).
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Rule, SecurityRequest } from '../protect/types.js';
import { createOtelHooks, OTEL_NAMES } from './otel.js';

class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
});

beforeAll(() => {
  api.context.setGlobalContextManager(contextManager.enable());
  api.trace.setGlobalTracerProvider(tracerProvider);
});
afterAll(() => {
  api.trace.disable();
  api.context.disable();
});
beforeEach(() => spans.reset());

function meterSetup() {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return { provider, collect };
}

const SECRET = 'Bearer sk-live-0123456789abcdef';
const request = (path = '/chat'): SecurityRequest => ({
  method: 'POST',
  url: `https://api.example.com${path}`,
  headers: new Headers({ authorization: SECRET }),
  ip: '203.0.113.7',
});
const allowRule: Rule = { name: 'authenticate', evaluate: () => ({ conclusion: 'allow' }) };
const denyRule: Rule = {
  name: 'requirePermission',
  evaluate: (ctx) =>
    ctx.url.pathname === '/admin'
      ? {
          conclusion: 'deny',
          status: 403,
          code: 'INSUFFICIENT_PERMISSIONS',
          message: 'Forbidden.',
          details: { email: 'alice@example.com' },
        }
      : { conclusion: 'allow' },
};

describe('createOtelHooks with the real SDK', () => {
  it('counts rule results by rule, conclusion and code, and times protect() in seconds', async () => {
    const { provider, collect } = meterSetup();
    let now = 1_000;
    const hooks = createOtelHooks({
      metrics: provider,
      trace: api.trace,
      clock: () => {
        now += 12.5;
        return now;
      },
    });
    const security = hooks.instrument(createSecurity({ rules: [allowRule, denyRule] }));
    expect((await security.protect(request('/chat'))).allowed).toBe(true);
    expect((await security.protect(request('/admin'))).allowed).toBe(false);
    expect((await security.protect(request('/admin'))).allowed).toBe(false);

    const metrics = await collect();
    const counter = metrics.find(
      (m) => m.descriptor.name === OTEL_NAMES.decisions,
    ) as SumMetricData;
    expect(counter.descriptor.unit).toBe('{decision}');
    const points = counter.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
    expect(points).toContainEqual({
      attributes: {
        'jaf_sec.rule.name': 'authenticate',
        'jaf_sec.decision.conclusion': 'allow',
        'jaf_sec.decision.code': 'ALLOWED',
        'jaf_sec.decision.dry_run': false,
      },
      value: 3,
    });
    expect(points).toContainEqual({
      attributes: {
        'jaf_sec.rule.name': 'requirePermission',
        'jaf_sec.decision.conclusion': 'deny',
        'jaf_sec.decision.code': 'INSUFFICIENT_PERMISSIONS',
        'jaf_sec.decision.dry_run': false,
      },
      value: 2,
    });

    const histogram = metrics.find(
      (m) => m.descriptor.name === OTEL_NAMES.duration,
    ) as HistogramMetricData;
    expect(histogram.descriptor.unit).toBe('s');
    const denied = histogram.dataPoints.find(
      (p) => p.attributes['jaf_sec.decision.outcome'] === 'denied',
    );
    expect(denied?.value.count).toBe(2);
    // Each call took 12.5 ms on the injected clock: 0.0125 s.
    expect(denied?.value.sum).toBeCloseTo(0.025, 10);
  });

  it('monitor (createSecurity option) records the same as instrument(), without a wrapper', async () => {
    const { provider, collect } = meterSetup();
    let now = 0;
    const hooks = createOtelHooks({ metrics: provider, clock: () => (now += 4) });
    const security = createSecurity({ rules: [allowRule, denyRule], monitor: hooks.monitor });
    await security.protect(request('/admin'));
    await security.with(allowRule).protect(request('/chat'));
    const metrics = await collect();
    const histogram = metrics.find(
      (m) => m.descriptor.name === OTEL_NAMES.duration,
    ) as HistogramMetricData;
    const byOutcome = Object.fromEntries(
      histogram.dataPoints.map((p) => [p.attributes['jaf_sec.decision.outcome'], p.value.sum]),
    );
    expect(byOutcome).toEqual({ denied: 0.004, allowed: 0.004 });
    const counter = metrics.find(
      (m) => m.descriptor.name === OTEL_NAMES.decisions,
    ) as SumMetricData;
    expect(counter.dataPoints.reduce((n, p) => n + p.value, 0)).toBe(5);
  });

  it('annotates the active span on a denial with code and rule, never the credential or PII', async () => {
    const { provider } = meterSetup();
    const hooks = createOtelHooks({ metrics: provider, trace: api.trace });
    const security = hooks.instrument(createSecurity({ rules: [allowRule, denyRule] }));
    const tracer = api.trace.getTracer('test');
    await tracer.startActiveSpan('POST /admin', async (span) => {
      await security.protect(request('/admin'));
      span.end();
    });
    await tracer.startActiveSpan('POST /chat', async (span) => {
      await security.protect(request('/chat'));
      span.end();
    });
    const [admin, chat] = spans.getFinishedSpans();
    expect(admin?.attributes).toMatchObject({
      'jaf_sec.decision.code': 'INSUFFICIENT_PERMISSIONS',
      'jaf_sec.rule.name': 'requirePermission',
      'jaf_sec.decision.status': 403,
    });
    expect(admin?.events.map((e) => e.name)).toEqual(['jaf_sec.denial']);
    expect(admin?.events[0]?.attributes).toMatchObject({
      'jaf_sec.decision.code': 'INSUFFICIENT_PERMISSIONS',
    });
    expect(chat?.events).toEqual([]);
    const dump = JSON.stringify(spans.getFinishedSpans().map((s) => [s.attributes, s.events]));
    expect(dump).not.toContain('sk-live');
    expect(dump).not.toContain('alice@example.com');
    expect(dump).not.toContain('203.0.113.7');
  });

  it('records agent checks: a counter by kind, conclusion and code, a span event for refusals', async () => {
    const { provider, collect } = meterSetup();
    const hooks = createOtelHooks({ metrics: provider, trace: api.trace });
    await api.trace.getTracer('test').startActiveSpan('agent turn', async (span) => {
      hooks.recordCheck({
        kind: 'tool',
        conclusion: 'deny',
        code: 'TOOL_NOT_ALLOWED',
        rule: 'tools',
      });
      hooks.recordCheck({ kind: 'injection', conclusion: 'flag', code: 'PROMPT_INJECTION' });
      hooks.recordCheck({ kind: 'leak', conclusion: 'deny', code: 'PII_IN_OUTPUT' });
      hooks.recordCheck({ kind: 'budget', conclusion: 'deny', code: 'BUDGET_EXCEEDED' });
      hooks.recordCheck({ kind: 'tool', conclusion: 'allow', code: 'ALLOWED' });
      span.end();
    });
    const metrics = await collect();
    const checks = metrics.find((m) => m.descriptor.name === OTEL_NAMES.checks) as SumMetricData;
    expect(checks.descriptor.unit).toBe('{check}');
    const byKey = Object.fromEntries(
      checks.dataPoints.map((p) => [
        `${p.attributes['jaf_sec.check.kind']}/${p.attributes['jaf_sec.decision.conclusion']}/${p.attributes['jaf_sec.decision.code']}`,
        p.value,
      ]),
    );
    expect(byKey).toEqual({
      'tool/deny/TOOL_NOT_ALLOWED': 1,
      'injection/flag/PROMPT_INJECTION': 1,
      'leak/deny/PII_IN_OUTPUT': 1,
      'budget/deny/BUDGET_EXCEEDED': 1,
      'tool/allow/ALLOWED': 1,
    });
    const [turn] = spans.getFinishedSpans();
    expect(turn?.events.map((e) => e.attributes?.['jaf_sec.check.kind'])).toEqual([
      'tool',
      'injection',
      'leak',
      'budget',
    ]);
    expect(turn?.events[0]?.attributes?.['jaf_sec.rule.name']).toBe('tools');
  });

  it('replaces a code or rule name that is not a plain label with OTHER (no PII, bounded series)', async () => {
    const { provider, collect } = meterSetup();
    const hooks = createOtelHooks({ metrics: provider });
    hooks.recordCheck({ kind: 'tool', conclusion: 'deny', code: 'user alice@example.com' });
    const metrics = await collect();
    const checks = metrics.find((m) => m.descriptor.name === OTEL_NAMES.checks) as SumMetricData;
    expect(checks.dataPoints[0]?.attributes['jaf_sec.decision.code']).toBe('OTHER');
  });

  it('with the API present but no SDK registered (no-op provider) works and records nothing', async () => {
    const hooks = createOtelHooks({ api });
    expect(hooks.enabled).toBe(true);
    // The API's permanent no-op meter is recognised: no metric work per request.
    expect(hooks.metricsEnabled).toBe(false);
    expect(createOtelHooks({ api, metrics: meterSetup().provider }).metricsEnabled).toBe(true);
    const security = hooks.instrument(createSecurity({ rules: [denyRule] }));
    expect((await security.protect(request('/admin'))).code).toBe('INSUFFICIENT_PERMISSIONS');
    // with() keeps the instrumentation
    const extended = security.with(allowRule);
    expect(extended.rules.map((r) => r.name)).toEqual(['requirePermission', 'authenticate']);
    expect((await extended.protect(request('/chat'))).allowed).toBe(true);
  });

  it('without OpenTelemetry, hooks are no-ops and instrument() returns the pipeline itself', () => {
    const hooks = createOtelHooks();
    const security = createSecurity({ rules: [allowRule] });
    expect(hooks.enabled).toBe(false);
    expect(hooks.instrument(security)).toBe(security);
    expect(hooks.monitor).toBeUndefined();
    expect(() => hooks.recordCheck({ kind: 'tool', conclusion: 'deny', code: 'X' })).not.toThrow();
  });

  it('a throwing meter or span never reaches the request path', async () => {
    const broken = {
      getMeter: () => ({
        createCounter: () => ({
          add: () => {
            throw new Error('exporter down');
          },
        }),
        createHistogram: () => ({
          record: () => {
            throw new Error('exporter down');
          },
        }),
      }),
    };
    const trace = {
      getActiveSpan: () => {
        throw new Error('context broken');
      },
    };
    const hooks = createOtelHooks({ metrics: broken, trace });
    const security = hooks.instrument(createSecurity({ rules: [denyRule] }));
    expect((await security.protect(request('/admin'))).code).toBe('INSUFFICIENT_PERMISSIONS');
    const monitored = createSecurity({ rules: [denyRule], monitor: hooks.monitor });
    expect((await monitored.protect(request('/admin'))).code).toBe('INSUFFICIENT_PERMISSIONS');
    const throwing = createSecurity({
      rules: [denyRule],
      monitor: {
        begin: () => {
          throw new Error('x');
        },
        end: () => {
          throw new Error('y');
        },
      },
    });
    expect((await throwing.protect(request('/admin'))).code).toBe('INSUFFICIENT_PERMISSIONS');
    expect(() => createSecurity({ rules: [], monitor: {} as never })).toThrow(
      /monitor needs begin/,
    );
    expect(() =>
      hooks.recordCheck({ kind: 'budget', conclusion: 'deny', code: 'B' }),
    ).not.toThrow();
  });

  it('throws a fix-it TypeError at construction on a malformed API object', () => {
    expect(() => createOtelHooks({ metrics: {} as never })).toThrow(/getMeter/);
    expect(() => createOtelHooks({ trace: {} as never })).toThrow(/getActiveSpan/);
  });
});
