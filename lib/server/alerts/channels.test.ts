import { describe, expect, it } from "vitest";
import { maskUrl, scrub, secretParts } from "./channel-secrets";

describe("secrets in error messages", () => {
  const slack = "https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/abcdefghijklmnopqrstuvwx";
  const wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

  it("a URL in a message keeps only its origin", () => {
    expect(scrub(`connect to ${slack} failed`, [])).toBe("connect to https://hooks.slack.com/… failed");
  });

  it("the path a server echoes back, or the token alone, is removed", () => {
    expect(scrub("HTTP 404: Cannot POST /services/T0ABCDEFG/B0ABCDEFG/abcdefghijklmnopqrstuvwx", [slack])).toBe("HTTP 404: Cannot POST [secret]");
    expect(scrub("invalid token abcdefghijklmnopqrstuvwx", [slack])).toBe("invalid token [secret]");
    expect(scrub("errcode 93000: invalid webhook url, key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", [wecom])).not.toContain("693a91f6");
    expect(secretParts(wecom)).toContain("693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");
  });

  it("a password is removed wherever it appears; short or empty secrets do not blank the message", () => {
    expect(scrub("auth failed for s3cret-pass", ["s3cret-pass"])).toBe("auth failed for [secret]");
    expect(scrub("HTTP 500: boom", [""])).toBe("HTTP 500: boom");
    expect(maskUrl(slack)).toBe("https://hooks.slack.com/••••••");
  });
});
