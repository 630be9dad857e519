-- AlterTable
ALTER TABLE "Job" ADD COLUMN "maxBatchBytes" INTEGER;
