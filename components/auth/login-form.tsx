"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useLoginMutation } from "@/lib/client/api/auth";
import { FieldLabel } from "@/components/ui/form-parts";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";

const inputClass = "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm";

export function LoginForm() {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const login = useLoginMutation();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { name, password },
      // Only same-site paths: a crafted ?next= must not send people elsewhere.
      { onSuccess: () => router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/") },
    );
  }

  return (
    <div className="mx-auto mt-16 max-w-sm">
      <Panel title="Sign in to Tidemark">
        <form onSubmit={onSubmit} className="space-y-4 p-5">
          <div>
            <FieldLabel htmlFor="login-name">User name</FieldLabel>
            <input id="login-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" required />
          </div>
          <div>
            <FieldLabel htmlFor="login-password">Password</FieldLabel>
            <input
              id="login-password"
              type="password"
              className={inputClass}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              required
            />
          </div>
          {login.error && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {login.error.message}
            </p>
          )}
          <Button type="submit" variant="primary" disabled={login.isPending} className="w-full justify-center">
            {login.isPending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </Panel>
    </div>
  );
}
