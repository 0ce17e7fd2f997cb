// The chat route WITHOUT jaf-sec, only for bench/http.bench.ts (its "without" column): the same
// agent work as /chat, minus withSecurity. It answers 404 unless the server was started with
// JAF_BENCH=1; never copy it into an app.
import { getContext } from '../../../lib/route';

export async function POST(request: Request): Promise<Response> {
  if (process.env.JAF_BENCH !== '1') {
    return Response.json({ error: { code: 'NOT_FOUND', message: 'Not found.' } }, { status: 404 });
  }
  const body = (await request.json()) as { content?: unknown };
  const { agent } = await getContext();
  return Response.json({ ...agent.chat('anonymous', String(body.content ?? '')), principal: null });
}
