-- Recovery in seconds (issue 14) and "uncertain means look first" (issue 8.4):
-- a step knows its owner process, whether its last outcome is unknown, how many
-- times it failed since the last success or retry, and when it may run again.
ALTER TABLE "SideEffect" ADD COLUMN "ownerId" UUID,
ADD COLUMN "ambiguous" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "notBefore" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "WorkerInstance" (
    "id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WorkerInstance_pkey" PRIMARY KEY ("id")
);
