import { createRouteHandler } from '../../lib/route';

export const POST = createRouteHandler('/chat');
export const OPTIONS = createRouteHandler('/chat');
