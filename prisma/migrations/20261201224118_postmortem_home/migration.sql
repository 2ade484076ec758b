-- CreateIndex
CREATE INDEX "Incident_resolvedAt_idx" ON "Incident"("resolvedAt");

-- CreateIndex
CREATE INDEX "TimelineEvent_incidentId_kind_idx" ON "TimelineEvent"("incidentId", "kind");
