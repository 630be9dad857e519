"use client";
import { useRouter } from "next/navigation";
import { useLogoutMutation, useMeQuery } from "@/lib/client/api/auth";

/** Who is signed in, or that this is local mode, plus sign-out. */
export function UserMenu() {
  const me = useMeQuery();
  const logout = useLogoutMutation();
  const router = useRouter();
  if (!me.data) return null;
  if (me.data.mode === "local") {
    return (
      <span className="rounded bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-600/20 ring-inset" title="Anyone on this machine can use the dashboard. Set TIDEMARK_ADMIN_PASSWORD to require sign-in.">
        local mode — no authentication
      </span>
    );
  }
  if (!me.data.user) return null;
  return (
    <span className="flex items-center gap-2 text-xs text-slate-600">
      <span>
        {me.data.user.name} <span className="text-slate-400">({me.data.user.role})</span>
      </span>
      <button
        type="button"
        className="rounded px-1.5 py-0.5 text-slate-600 underline-offset-2 hover:underline"
        onClick={() => logout.mutate(undefined, { onSuccess: () => router.replace("/login") })}
      >
        Sign out
      </button>
    </span>
  );
}
