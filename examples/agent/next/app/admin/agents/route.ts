import { createRouteHandler } from '../../../lib/route';

export const GET = createRouteHandler('/admin/agents');
export const OPTIONS = createRouteHandler('/admin/agents');
