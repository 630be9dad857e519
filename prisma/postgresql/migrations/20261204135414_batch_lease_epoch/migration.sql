-- AlterTable
ALTER TABLE "Batch" ADD COLUMN     "leaseEpoch" INTEGER;
