-- CreateTable
CREATE TABLE "TimelineEdit" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" UUID NOT NULL,
    "eventId" BIGINT,
    "field" TEXT NOT NULL,
    "marker" TEXT,
    "before" JSONB,
    "after" JSONB NOT NULL,
    "editedBy" TEXT NOT NULL,
    "editedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimelineEdit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TimelineEdit_incidentId_id_idx" ON "TimelineEdit"("incidentId", "id");

-- CreateIndex
CREATE INDEX "TimelineEvent_incidentId_occurredAt_recordedAt_id_idx" ON "TimelineEvent"("incidentId", "occurredAt", "recordedAt", "id");

-- AddForeignKey
ALTER TABLE "TimelineEdit" ADD CONSTRAINT "TimelineEdit_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
