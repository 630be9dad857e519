import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AuthGate } from "@/components/auth/auth-gate";
import { AppHeader } from "@/components/layout/app-header";
import { THEME_SCRIPT } from "@/components/ui/theme-toggle";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: "Tidemark",
  description: "Kafka stream jobs whose offsets you own",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Before the first paint: no flash of the wrong theme. */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen">
        <Providers>
          <AppHeader />
          <main className="mx-auto max-w-7xl px-6 py-6">
            <AuthGate>{children}</AuthGate>
          </main>
        </Providers>
      </body>
    </html>
  );
}
