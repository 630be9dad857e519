-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "topics" TEXT NOT NULL,
    "processor" TEXT NOT NULL,
    "processorConfig" TEXT NOT NULL DEFAULT '{}',
    "batchIntervalMs" INTEGER NOT NULL,
    "maxRecordsPerPartition" INTEGER,
    "startingOffsets" TEXT NOT NULL,
    "desiredState" TEXT NOT NULL DEFAULT 'stopped',
    "status" TEXT NOT NULL DEFAULT 'stopped',
    "statusMessage" TEXT,
    "recordsProcessed" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JobOffset" (
    "jobId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("jobId", "topic", "partition"),
    CONSTRAINT "JobOffset_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobId" TEXT NOT NULL,
    "batchTime" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "records" INTEGER NOT NULL DEFAULT 0,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "schedulingDelayMs" INTEGER,
    "processingTimeMs" INTEGER,
    "totalDelayMs" INTEGER,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    CONSTRAINT "Batch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BatchRange" (
    "batchId" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "fromOffset" BIGINT NOT NULL,
    "untilOffset" BIGINT NOT NULL,

    PRIMARY KEY ("batchId", "topic", "partition"),
    CONSTRAINT "BatchRange_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeyCount" (
    "jobId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "count" BIGINT NOT NULL,

    PRIMARY KEY ("jobId", "key"),
    CONSTRAINT "KeyCount_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Job_name_key" ON "Job"("name");

-- CreateIndex
CREATE INDEX "Batch_jobId_id_idx" ON "Batch"("jobId", "id");
