-- AlterTable
ALTER TABLE "UatFeedback" ADD COLUMN     "expected" TEXT,
ADD COLUMN     "linearAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "linearError" TEXT,
ADD COLUMN     "permalink" TEXT,
ADD COLUMN     "slackChannel" TEXT,
ADD COLUMN     "slackTs" TEXT,
ADD COLUMN     "steps" TEXT,
ADD COLUMN     "workflow" TEXT;

-- AlterTable
ALTER TABLE "UatSession" ADD COLUMN     "checklistChannel" TEXT,
ADD COLUMN     "checklistTs" TEXT,
ADD COLUMN     "reviewState" TEXT,
ADD COLUMN     "reviewedAt" TIMESTAMPTZ(3),
ADD COLUMN     "scheduledBy" TEXT,
ADD COLUMN     "skipReason" TEXT,
ADD COLUMN     "skippedBy" TEXT;

-- CreateTable
CREATE TABLE "FollowUpTicket" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "linearIdentifier" TEXT,
    "linearUrl" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FollowUpTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FollowUpTicket_incidentId_kind_key" ON "FollowUpTicket"("incidentId", "kind");

-- AddForeignKey
ALTER TABLE "FollowUpTicket" ADD CONSTRAINT "FollowUpTicket_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- AlterTable: a session scheduled before the first staging deploy has no deadline yet
ALTER TABLE "UatSession" ALTER COLUMN "deadline" DROP NOT NULL;
