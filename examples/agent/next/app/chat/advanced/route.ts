import { createRouteHandler } from '../../../lib/route';

export const POST = createRouteHandler('/chat/advanced');
