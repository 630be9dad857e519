"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab; retries once so a blip does not flash an error.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 1000 } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
