-- AlterTable
ALTER TABLE "Job" ADD COLUMN "failureCode" TEXT;
