"use client";
import { useCan, useMeQuery } from "@/lib/client/api/auth";
import { EmptyState } from "@/components/ui/states";
import { Panel } from "@/components/ui/panel";
import { TokensPanel } from "./tokens-panel";
import { UsersPanel } from "./users-panel";

export function AccessSettings() {
  const me = useMeQuery();
  const isAdmin = useCan("admin");
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Access</h1>
      {me.data?.mode === "local" ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Local mode: the dashboard listens on this machine only and asks nobody to sign in. Set TIDEMARK_ADMIN_PASSWORD and restart to turn on
          sign-in; then add users and API tokens here. Once users exist, sign-in stays on whatever the environment says.
        </p>
      ) : isAdmin ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <UsersPanel />
          <TokensPanel />
        </div>
      ) : (
        <Panel>
          <EmptyState title="Only admins manage users and tokens" />
        </Panel>
      )}
    </div>
  );
}
