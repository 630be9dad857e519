-- CreateTable
CREATE TABLE "ProcessorMigration" (
    "processor" TEXT NOT NULL,
    "migrationId" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "appliedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("processor", "migrationId")
);
