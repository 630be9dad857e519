import Link from "next/link";
import type { ReactNode } from "react";

/** The link above a page's heading, back to the page it belongs to. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="text-sm text-slate-500 hover:text-slate-800">
      ← {children}
    </Link>
  );
}
