import { alertEventsQuerySchema } from "@/lib/contracts/alerts";
import { listEvents } from "@/lib/server/alerts/alert-history-service";
import { readQuery, route } from "@/lib/server/http/route";

// GET /api/alerts/events?limit=&before=&rule=&kind= — alert history, newest first, with delivery attempts
export const GET = route(async ({ req, ctx }) => listEvents(ctx.alerts, readQuery(req, alertEventsQuerySchema)));
