-- The order steps were queued in: createdAt is the start of the queuing transaction, the same for every
-- step one workflow queues. Existing steps are numbered in their stored order.
-- AlterTable
ALTER TABLE "SideEffect" ADD COLUMN     "seq" BIGSERIAL NOT NULL;
