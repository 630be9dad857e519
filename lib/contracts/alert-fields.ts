/** Field schemas the alert contracts share: names, bounded whole numbers and seconds. */
import { z } from "zod";

export const displayName = (field: string) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(100, `${field} must be at most 100 characters`)
    .regex(/^[^\u0000-\u001f\u007f]+$/, `${field} must not contain control characters`);

export const int = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min.toLocaleString("en-US")}`)
    .max(max, `${field} must be at most ${max.toLocaleString("en-US")}`);

export const seconds = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .finite(`${field} must be a number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max.toLocaleString("en-US")}`);

export const DAY = 86_400;
