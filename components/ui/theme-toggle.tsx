"use client";
import { useSyncExternalStore } from "react";

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "tidemark-theme";

/** Runs in <head> before the first paint: applies the stored choice, or the system's. */
export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem("${KEY}")||"system";var d=c==="dark"||(c==="system"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;

function apply(choice: ThemeChoice) {
  const dark = choice === "dark" || (choice === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  const media = matchMedia("(prefers-color-scheme: dark)");
  const onSystem = () => {
    if (read() === "system") apply("system");
    listener();
  };
  media.addEventListener("change", onSystem);
  return () => {
    listeners.delete(listener);
    media.removeEventListener("change", onSystem);
  };
}
function read(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };
const ICON: Record<ThemeChoice, string> = { system: "◐", light: "☀", dark: "☾" };

/** Cycles system → light → dark; the choice is kept in localStorage. */
export function ThemeToggle() {
  const choice = useSyncExternalStore(subscribe, read, () => "system" as ThemeChoice);
  return (
    <button
      type="button"
      onClick={() => {
        const next = NEXT[choice];
        localStorage.setItem(KEY, next);
        apply(next);
        listeners.forEach((l) => l());
      }}
      className="inline-flex h-7 items-center gap-1 rounded px-2 text-xs text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      aria-label={`${LABEL[choice]} (click to change)`}
      title={LABEL[choice]}
    >
      <span aria-hidden>{ICON[choice]}</span>
      <span className="hidden sm:inline">{choice}</span>
    </button>
  );
}
