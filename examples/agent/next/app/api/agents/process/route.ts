import { createRouteHandler } from '../../../../lib/route';

export const POST = createRouteHandler('/api/agents/process');
export const OPTIONS = createRouteHandler('/api/agents/process');
