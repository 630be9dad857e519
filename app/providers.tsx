"use client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  const router = useRouter();
  // One client per browser tab; retries once so a blip does not flash an error.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: (count, error) => error.status !== 401 && error.status !== 403 && count < 1, staleTime: 1000 } },
        // A session that expired sends the user to sign in again, back to where they were.
        queryCache: new QueryCache({
          onError: (error) => {
            if (error.status === 401 && window.location.pathname !== "/login") {
              router.replace(`/login?next=${encodeURIComponent(window.location.pathname)}`);
            }
          },
        }),
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
