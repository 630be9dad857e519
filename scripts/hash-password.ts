/**
 * `npm run hash-password`: reads a password from stdin and prints its scrypt hash, for
 * TIDEMARK_ADMIN_PASSWORD_HASH (so the clear password need not sit in the environment).
 */
import { hashPassword } from "../lib/server/auth/passwords";

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (password.length < 8) {
    console.error("give a password of at least 8 characters on standard input, e.g.: read -s P && echo \"$P\" | npm run -s hash-password");
    process.exit(1);
  }
  console.log(await hashPassword(password));
}

void main();
