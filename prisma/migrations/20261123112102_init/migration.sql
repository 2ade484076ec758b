-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('P0', 'P1', 'P2');

-- CreateEnum
CREATE TYPE "Phase" AS ENUM ('declared', 'preparing', 'fixing', 'deploying', 'monitoring', 'resolved', 'closed');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('commander', 'comms', 'release_captain');

-- CreateTable
CREATE TABLE "Incident" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "requestKey" TEXT,
    "teamId" TEXT,
    "title" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "phase" "Phase" NOT NULL DEFAULT 'declared',
    "impactUsers" TEXT,
    "impactRevenue" TEXT,
    "service" TEXT,
    "ticketUrl" TEXT,
    "rollbackFaster" BOOLEAN NOT NULL DEFAULT false,
    "severityOverride" BOOLEAN NOT NULL DEFAULT false,
    "declaredBy" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "declaredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "slaDeadline" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "warRoomChannelId" TEXT,
    "warRoomChannelName" TEXT,
    "cardTs" TEXT,
    "parentTag" TEXT,
    "parentSha" TEXT,
    "hotfixBranch" TEXT,
    "version" TEXT,
    "fixSha" TEXT,
    "releaseTag" TEXT,
    "releaseId" INTEGER,
    "releaseUrl" TEXT,
    "stagingDeployedAt" TIMESTAMPTZ(3),
    "productionDeployedAt" TIMESTAMPTZ(3),
    "stabilityEndsAt" TIMESTAMPTZ(3),
    "rolledBackAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "postmortemDueAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentRole" (
    "incidentId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "userId" TEXT NOT NULL,
    "assignedBy" TEXT NOT NULL,
    "assignedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IncidentRole_pkey" PRIMARY KEY ("incidentId","role")
);

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" UUID NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "actor" TEXT,
    "summary" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "slackTs" TEXT,
    "permalink" TEXT,

    CONSTRAINT "TimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SideEffect" (
    "incidentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "params" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMPTZ(3),
    "result" JSONB,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SideEffect_pkey" PRIMARY KEY ("incidentId","key")
);

-- CreateTable
CREATE TABLE "Milestone" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "message" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Milestone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "environment" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "deployer" TEXT NOT NULL,
    "reason" TEXT,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UatSession" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "scheduledFor" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "checklist" JSONB NOT NULL DEFAULT '[]',
    "stakeholders" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UatSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UatFeedback" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "checklistItem" TEXT,
    "verdict" TEXT NOT NULL,
    "severity" TEXT,
    "effort" TEXT,
    "text" TEXT NOT NULL,
    "linearIssueId" TEXT,
    "linearIdentifier" TEXT,
    "linearUrl" TEXT,
    "resolvedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UatFeedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Waiver" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "incidentId" UUID,
    "type" TEXT NOT NULL,
    "hotfixTag" TEXT,
    "gatesWaived" TEXT[],
    "justification" TEXT NOT NULL,
    "riskAssessment" TEXT NOT NULL,
    "mitigations" TEXT[],
    "ticketUrl" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "activatedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Waiver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WaiverApproval" (
    "waiverId" UUID NOT NULL,
    "approver" TEXT NOT NULL,
    "comment" TEXT,
    "approvedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WaiverApproval_pkey" PRIMARY KEY ("waiverId","approver")
);

-- CreateTable
CREATE TABLE "GuardrailBreach" (
    "id" UUID NOT NULL,
    "incidentId" UUID,
    "source" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "threshold" TEXT,
    "fingerprint" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GuardrailBreach_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlackDelivery" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackDelivery_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Incident_number_key" ON "Incident"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_requestKey_key" ON "Incident"("requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_warRoomChannelId_key" ON "Incident"("warRoomChannelId");

-- CreateIndex
CREATE INDEX "Incident_phase_idx" ON "Incident"("phase");

-- CreateIndex
CREATE INDEX "TimelineEvent_incidentId_occurredAt_idx" ON "TimelineEvent"("incidentId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_incidentId_slackTs_kind_key" ON "TimelineEvent"("incidentId", "slackTs", "kind");

-- CreateIndex
CREATE INDEX "SideEffect_status_updatedAt_idx" ON "SideEffect"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "Milestone_incidentId_createdAt_idx" ON "Milestone"("incidentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Milestone_incidentId_tag_key" ON "Milestone"("incidentId", "tag");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_externalId_key" ON "Deployment"("externalId");

-- CreateIndex
CREATE INDEX "Deployment_incidentId_occurredAt_idx" ON "Deployment"("incidentId", "occurredAt");

-- CreateIndex
CREATE INDEX "UatSession_incidentId_idx" ON "UatSession"("incidentId");

-- CreateIndex
CREATE INDEX "UatFeedback_incidentId_idx" ON "UatFeedback"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "Waiver_code_key" ON "Waiver"("code");

-- CreateIndex
CREATE INDEX "Waiver_status_expiresAt_idx" ON "Waiver"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "GuardrailBreach_incidentId_idx" ON "GuardrailBreach"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "GuardrailBreach_source_fingerprint_startedAt_key" ON "GuardrailBreach"("source", "fingerprint", "startedAt");

-- CreateIndex
CREATE INDEX "SlackDelivery_receivedAt_idx" ON "SlackDelivery"("receivedAt");

-- AddForeignKey
ALTER TABLE "IncidentRole" ADD CONSTRAINT "IncidentRole_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEvent" ADD CONSTRAINT "TimelineEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SideEffect" ADD CONSTRAINT "SideEffect_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Milestone" ADD CONSTRAINT "Milestone_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UatSession" ADD CONSTRAINT "UatSession_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UatFeedback" ADD CONSTRAINT "UatFeedback_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UatFeedback" ADD CONSTRAINT "UatFeedback_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "UatSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Waiver" ADD CONSTRAINT "Waiver_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaiverApproval" ADD CONSTRAINT "WaiverApproval_waiverId_fkey" FOREIGN KEY ("waiverId") REFERENCES "Waiver"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GuardrailBreach" ADD CONSTRAINT "GuardrailBreach_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;
