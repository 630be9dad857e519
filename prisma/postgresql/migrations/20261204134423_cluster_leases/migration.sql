-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "startedAt" BIGINT NOT NULL,
    "heartbeatAt" BIGINT NOT NULL,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "owner" TEXT,
    "epoch" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "SignInCounter" (
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "lastAt" BIGINT NOT NULL,

    CONSTRAINT "SignInCounter_pkey" PRIMARY KEY ("kind","key")
);

-- CreateIndex
CREATE INDEX "SignInCounter_lastAt_idx" ON "SignInCounter"("lastAt");
