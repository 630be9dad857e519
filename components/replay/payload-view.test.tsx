import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PayloadView } from "./payload-view";

describe("PayloadView with Schema Registry decoding", () => {
  it("shows the decoded JSON and which schema decoded it", () => {
    const html = renderToStaticMarkup(
      <PayloadView pretty payload={{ encoding: "hex", hex: "000000000c04", bytes: 6, truncated: false, decoded: { schemaId: 12, format: "avro", json: '{"region":"eu"}', truncated: false } }} />,
    );
    expect(html).toContain("Avro #12");
    expect(html).toContain("&quot;region&quot;: &quot;eu&quot;");
    expect(html).not.toContain("0x00000000");
  });

  it("shows why the bytes could not be decoded, next to the raw bytes", () => {
    const html = renderToStaticMarkup(
      <PayloadView payload={{ encoding: "hex", hex: "0000000063", bytes: 5, truncated: false, decoded: { schemaId: 99, error: { code: "SCHEMA_NOT_FOUND", message: "schema id 99 is not in the schema registry" } } }} />,
    );
    expect(html).toContain("schema 99: SCHEMA_NOT_FOUND");
    expect(html).toContain('title="schema id 99 is not in the schema registry"');
    expect(html).toContain("0x0000000063");
  });

  it("shows other payloads as before", () => {
    expect(renderToStaticMarkup(<PayloadView payload={{ encoding: "utf8", text: "plain", bytes: 5, truncated: false }} />)).toBe('<code class="font-mono text-xs break-all whitespace-pre-wrap">plain</code>');
  });
});
