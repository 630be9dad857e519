"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "@/lib/client/api/health";
import { UserMenu } from "@/components/auth/user-menu";
import { cn } from "@/components/ui/cn";
import { ThemeToggle } from "@/components/ui/theme-toggle";

const nav = [
  { href: "/", label: "Overview" },
  { href: "/groups", label: "Consumer groups" },
  { href: "/topics", label: "Topics" },
  { href: "/instances", label: "Instances" },
  { href: "/jobs/new", label: "New job" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit" },
  { href: "/settings/access", label: "Access" },
];

export function AppHeader() {
  const pathname = usePathname();
  const health = useQuery(healthQuery());
  const kafkaOk = health.data?.kafka.ok;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-12 max-w-7xl items-center gap-6 px-6">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-sky-600" />
          Tidemark
        </Link>
        <nav aria-label="Main" className="flex gap-1 text-sm">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={isCurrent(pathname, item.href) ? "page" : undefined}
              className={cn(
                "rounded px-2.5 py-1 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900",
                isCurrent(pathname, item.href) && "bg-slate-100 font-medium text-slate-900",
              )}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-4">
          <ThemeToggle />
          <UserMenu />
          <div className="flex items-center gap-2 text-xs text-slate-500" role="status" aria-live="polite">
            <span
              aria-hidden
              className={cn("h-2 w-2 rounded-full", kafkaOk === undefined ? "bg-slate-300" : kafkaOk ? "bg-emerald-500" : "bg-red-500")}
            />
            {kafkaOk === undefined ? "Checking Kafka…" : kafkaOk ? `Kafka ${health.data?.kafka.brokers.join(", ")}` : "Kafka unreachable"}
          </div>
        </div>
      </div>
    </header>
  );
}

/** A nav item is current on its page and, except for the root and "New job", on pages below it. */
function isCurrent(pathname: string, href: string): boolean {
  if (pathname === href) return true;
  return href !== "/" && href !== "/jobs/new" && pathname.startsWith(`${href}/`);
}
