import { createRouteHandler } from '../../../lib/route';

export const GET = createRouteHandler('/admin/agents');
