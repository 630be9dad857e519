import type { Prisma, PrismaClient } from "../db/client";

/** The client a transaction callback receives: processors and stores write through it. */
export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;
