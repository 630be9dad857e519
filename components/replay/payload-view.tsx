import type { DecodablePayloadDto, PayloadDto, SchemaDecodingDto } from "@/lib/contracts/records";

const FORMAT_NAMES = { avro: "Avro", protobuf: "Protobuf", json: "JSON Schema" } as const;

/**
 * A key or value as text: JSON pretty-printed, binary as hex; decoded with its schema when the server
 * has a schema registry and the bytes are in its wire format. Never rendered as HTML.
 */
export function PayloadView({ payload, pretty = false }: { payload: DecodablePayloadDto; pretty?: boolean }) {
  const decoded = payload.decoded;
  if (decoded && "json" in decoded) {
    return (
      <>
        <SchemaDecodingBadge decoded={decoded} />
        <JsonText text={decoded.json} pretty={pretty} suffix={decoded.truncated ? " … (cut)" : ""} />
      </>
    );
  }
  return (
    <>
      {decoded && <SchemaDecodingBadge decoded={decoded} />}
      <RawPayloadView payload={payload} pretty={pretty} />
    </>
  );
}

/** Which schema decoded a payload, or why it could not be decoded (the message on hover). */
export function SchemaDecodingBadge({ decoded }: { decoded: SchemaDecodingDto }) {
  if ("error" in decoded) {
    return (
      <span className="mr-1 rounded bg-red-50 px-1 text-xs text-red-700" title={decoded.error.message}>
        schema {decoded.schemaId}: {decoded.error.code}
      </span>
    );
  }
  return (
    <span className="mr-1 rounded bg-slate-100 px-1 text-xs text-slate-700" title={`Decoded with schema id ${decoded.schemaId} from the schema registry`}>
      {FORMAT_NAMES[decoded.format]} #{decoded.schemaId}
    </span>
  );
}

function RawPayloadView({ payload, pretty }: { payload: PayloadDto; pretty: boolean }) {
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
  return <JsonText text={payload.text} pretty={pretty} suffix={suffix} />;
}

function JsonText({ text, pretty, suffix }: { text: string; pretty: boolean; suffix: string }) {
  let shown = text;
  if (pretty) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: show as it is
    }
  }
  return (
    <code className="font-mono text-xs break-all whitespace-pre-wrap">
      {shown}
      {suffix}
    </code>
  );
}
