-- DropForeignKey
ALTER TABLE "StoredRecord" DROP CONSTRAINT "StoredRecord_streamId_fkey";
