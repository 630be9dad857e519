import { errorCodes, type ErrorCode } from "@/lib/contracts/errors";

/** An error a client caused or must know about: it carries a stable code and maps to a status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return errorCodes[this.code];
  }
}
