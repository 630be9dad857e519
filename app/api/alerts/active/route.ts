import { listActiveAlerts } from "@/lib/server/alerts/alert-history-service";
import { route } from "@/lib/server/http/route";

// GET /api/alerts/active — open alerts: firing first, then pending, with any silence that mutes them
export const GET = route(async ({ ctx }) => ({ items: await listActiveAlerts(ctx.alerts), next: null }));
