"use client";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useMeQuery } from "@/lib/client/api/auth";
import { Loading } from "@/components/ui/states";

/** In authenticated mode, pages need a signed-in user: others are sent to the sign-in page. */
export function AuthGate({ children }: { children: ReactNode }) {
  const me = useMeQuery();
  const router = useRouter();
  const pathname = usePathname();
  const mustSignIn = me.data?.mode === "authenticated" && !me.data.user && pathname !== "/login";

  useEffect(() => {
    if (mustSignIn) router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [mustSignIn, pathname, router]);

  if (pathname === "/login") return children;
  if (me.isPending || mustSignIn) return <Loading label="Checking access…" />;
  return children;
}
