import { createRouteHandler } from '../../../lib/route';

export const POST = createRouteHandler('/chat/advanced');
export const OPTIONS = createRouteHandler('/chat/advanced');
