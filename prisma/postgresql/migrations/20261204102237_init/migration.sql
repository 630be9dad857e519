-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "topics" TEXT NOT NULL,
    "processor" TEXT NOT NULL,
    "processorConfig" TEXT NOT NULL DEFAULT '{}',
    "batchIntervalMs" INTEGER NOT NULL,
    "maxRecordsPerPartition" INTEGER,
    "maxBatchBytes" INTEGER,
    "startingOffsets" TEXT NOT NULL,
    "onError" TEXT NOT NULL DEFAULT 'fail',
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "retryBackoffMs" INTEGER NOT NULL DEFAULT 500,
    "onOutOfRange" TEXT NOT NULL DEFAULT 'fail',
    "mirrorOffsetsToKafka" BOOLEAN NOT NULL DEFAULT true,
    "backpressure" BOOLEAN NOT NULL DEFAULT false,
    "desiredState" TEXT NOT NULL DEFAULT 'stopped',
    "status" TEXT NOT NULL DEFAULT 'stopped',
    "statusMessage" TEXT,
    "failureCode" TEXT,
    "recordsProcessed" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobOffset" (
    "jobId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobOffset_pkey" PRIMARY KEY ("jobId","topic","partition")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "batchTime" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "records" INTEGER NOT NULL DEFAULT 0,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "schedulingDelayMs" INTEGER,
    "processingTimeMs" INTEGER,
    "totalDelayMs" INTEGER,
    "error" TEXT,
    "failedTopic" TEXT,
    "failedPartition" INTEGER,
    "failedOffset" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "recordCap" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchRange" (
    "batchId" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "fromOffset" BIGINT NOT NULL,
    "untilOffset" BIGINT NOT NULL,

    CONSTRAINT "BatchRange_pkey" PRIMARY KEY ("batchId","topic","partition")
);

-- CreateTable
CREATE TABLE "KeyCount" (
    "jobId" TEXT NOT NULL,
    "windowStart" BIGINT NOT NULL DEFAULT 0,
    "key" TEXT NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "KeyCount_pkey" PRIMARY KEY ("jobId","windowStart","key")
);

-- CreateTable
CREATE TABLE "StoredRecordStream" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,

    CONSTRAINT "StoredRecordStream_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredRecord" (
    "streamId" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "key" BYTEA,
    "value" BYTEA,
    "headers" TEXT,
    "batchId" INTEGER NOT NULL,

    CONSTRAINT "StoredRecord_pkey" PRIMARY KEY ("streamId","offset")
);

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "batchId" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "key" BYTEA,
    "value" BYTEA,
    "error" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "details" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LagSample" (
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "ts" BIGINT NOT NULL,
    "resolution" INTEGER NOT NULL,
    "committedOffset" BIGINT,
    "logStartOffset" BIGINT NOT NULL,
    "logEndOffset" BIGINT NOT NULL,
    "lag" BIGINT NOT NULL,
    "lagMin" BIGINT NOT NULL,
    "lagMax" BIGINT NOT NULL,
    "timeLagMs" BIGINT NOT NULL,
    "timeLagMaxMs" BIGINT NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 1,
    "isCommit" INTEGER NOT NULL DEFAULT 0,
    "commitTs" BIGINT,

    CONSTRAINT "LagSample_pkey" PRIMARY KEY ("kind","subject","topic","partition","resolution","ts")
);

-- CreateTable
CREATE TABLE "LagEvaluation" (
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "ts" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "worst" TEXT NOT NULL,
    "totalLag" BIGINT NOT NULL,
    "timeLagMs" BIGINT NOT NULL,
    "lagPerSec" DOUBLE PRECISION NOT NULL,
    "consumeRate" DOUBLE PRECISION NOT NULL,
    "produceRate" DOUBLE PRECISION NOT NULL,
    "etaState" TEXT NOT NULL,
    "etaMs" BIGINT,
    "partitions" TEXT NOT NULL,

    CONSTRAINT "LagEvaluation_pkey" PRIMARY KEY ("kind","subject")
);

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "targetType" TEXT NOT NULL,
    "targetValue" TEXT,
    "condition" TEXT NOT NULL,
    "forMs" INTEGER NOT NULL,
    "severity" TEXT NOT NULL,
    "repeatMs" INTEGER,
    "channelIds" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "config" TEXT NOT NULL DEFAULT '{}',
    "secret" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertState" (
    "ruleId" TEXT NOT NULL,
    "targetKey" TEXT NOT NULL,
    "targetName" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" BIGINT NOT NULL,
    "firingSince" BIGINT,
    "lastNotifiedAt" BIGINT,
    "value" DOUBLE PRECISION,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "AlertState_pkey" PRIMARY KEY ("ruleId","targetKey")
);

-- CreateTable
CREATE TABLE "AlertSilence" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT,
    "targetKey" TEXT,
    "reason" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endsAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertSilence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "ruleId" TEXT,
    "ruleName" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "targetKey" TEXT NOT NULL,
    "targetName" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "details" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "AlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" SERIAL NOT NULL,
    "eventId" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "channelName" TEXT NOT NULL,
    "channelType" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" BIGINT NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDeliveryAttempt" (
    "id" SERIAL NOT NULL,
    "deliveryId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "statusCode" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "AlertDeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OffsetReset" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "value" TEXT NOT NULL DEFAULT 'null',
    "results" TEXT NOT NULL,
    "reason" TEXT,
    "partitions" TEXT NOT NULL,
    "summary" TEXT NOT NULL,

    CONSTRAINT "OffsetReset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeyCountDelta" (
    "jobId" TEXT NOT NULL,
    "batchId" INTEGER NOT NULL,
    "windowStart" BIGINT NOT NULL DEFAULT 0,
    "key" TEXT NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "KeyCountDelta_pkey" PRIMARY KEY ("jobId","batchId","windowStart","key")
);

-- CreateTable
CREATE TABLE "ProcessorMigration" (
    "processor" TEXT NOT NULL,
    "migrationId" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessorMigration_pkey" PRIMARY KEY ("processor","migrationId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Job_name_key" ON "Job"("name");

-- CreateIndex
CREATE INDEX "Batch_jobId_id_idx" ON "Batch"("jobId", "id");

-- CreateIndex
CREATE INDEX "Batch_jobId_batchTime_idx" ON "Batch"("jobId", "batchTime");

-- CreateIndex
CREATE UNIQUE INDEX "StoredRecordStream_jobId_topic_partition_key" ON "StoredRecordStream"("jobId", "topic", "partition");

-- CreateIndex
CREATE INDEX "DeadLetter_jobId_id_idx" ON "DeadLetter"("jobId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetter_jobId_topic_partition_offset_key" ON "DeadLetter"("jobId", "topic", "partition", "offset");

-- CreateIndex
CREATE UNIQUE INDEX "User_name_key" ON "User"("name");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "LagSample_kind_subject_resolution_ts_idx" ON "LagSample"("kind", "subject", "resolution", "ts");

-- CreateIndex
CREATE INDEX "LagSample_resolution_ts_idx" ON "LagSample"("resolution", "ts");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_name_key" ON "AlertRule"("name");

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_name_key" ON "AlertChannel"("name");

-- CreateIndex
CREATE INDEX "AlertSilence_endsAt_idx" ON "AlertSilence"("endsAt");

-- CreateIndex
CREATE INDEX "AlertEvent_at_idx" ON "AlertEvent"("at");

-- CreateIndex
CREATE INDEX "AlertEvent_ruleId_id_idx" ON "AlertEvent"("ruleId", "id");

-- CreateIndex
CREATE INDEX "AlertDelivery_status_nextAttemptAt_idx" ON "AlertDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_eventId_idx" ON "AlertDelivery"("eventId");

-- CreateIndex
CREATE INDEX "AlertDeliveryAttempt_deliveryId_idx" ON "AlertDeliveryAttempt"("deliveryId");

-- CreateIndex
CREATE INDEX "OffsetReset_jobId_id_idx" ON "OffsetReset"("jobId", "id");

-- AddForeignKey
ALTER TABLE "JobOffset" ADD CONSTRAINT "JobOffset_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchRange" ADD CONSTRAINT "BatchRange_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "Batch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyCount" ADD CONSTRAINT "KeyCount_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredRecordStream" ADD CONSTRAINT "StoredRecordStream_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredRecord" ADD CONSTRAINT "StoredRecord_streamId_fkey" FOREIGN KEY ("streamId") REFERENCES "StoredRecordStream"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadLetter" ADD CONSTRAINT "DeadLetter_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "AlertEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDeliveryAttempt" ADD CONSTRAINT "AlertDeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "AlertDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
