import type { PayloadDto } from "@/lib/contracts/records";

/** A key or value as text: JSON pretty-printed, binary as hex. Never rendered as HTML. */
export function PayloadView({ payload, pretty = false }: { payload: PayloadDto; pretty?: boolean }) {
  if (payload.encoding === "null") return <span className="text-slate-400 italic">null</span>;
  const suffix = payload.truncated ? ` … (${payload.bytes.toLocaleString("en-US")} bytes)` : "";
  if (payload.encoding === "hex") {
    return (
      <code className="font-mono text-xs break-all text-violet-800" title="binary, shown as hex">
        0x{payload.hex}
        {suffix}
      </code>
    );
  }
  let text = payload.text;
  if (pretty) {
    try {
      text = JSON.stringify(JSON.parse(payload.text), null, 2);
    } catch {
      // not JSON: show as it is
    }
  }
  return (
    <code className="font-mono text-xs break-all whitespace-pre-wrap">
      {text}
      {suffix}
    </code>
  );
}
