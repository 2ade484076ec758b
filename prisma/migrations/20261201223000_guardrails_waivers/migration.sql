-- DropIndex
DROP INDEX "GuardrailBreach_source_fingerprint_startedAt_key";

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "guardrails" JSONB;

-- AlterTable
ALTER TABLE "Waiver" ADD COLUMN     "denialReason" TEXT,
ADD COLUMN     "deniedAt" TIMESTAMPTZ(3),
ADD COLUMN     "deniedBy" TEXT,
ADD COLUMN     "expiredAt" TIMESTAMPTZ(3),
ALTER COLUMN "requestedBy" DROP NOT NULL;

-- CreateTable
CREATE TABLE "WaiverAudit" (
    "id" BIGSERIAL NOT NULL,
    "waiverCode" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "WaiverAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" BIGSERIAL NOT NULL,
    "service" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricBaseline" (
    "service" TEXT NOT NULL,
    "baseline" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MetricBaseline_pkey" PRIMARY KEY ("service")
);

-- CreateIndex
CREATE INDEX "WaiverAudit_waiverCode_id_idx" ON "WaiverAudit"("waiverCode", "id");

-- CreateIndex
CREATE INDEX "MetricSample_service_at_idx" ON "MetricSample"("service", "at");

-- CreateIndex
CREATE UNIQUE INDEX "MetricSample_service_metric_at_key" ON "MetricSample"("service", "metric", "at");

-- CreateIndex
CREATE UNIQUE INDEX "GuardrailBreach_incidentId_source_fingerprint_startedAt_key" ON "GuardrailBreach"("incidentId", "source", "fingerprint", "startedAt");


-- The waiver audit log is append-only: nothing in the product may edit or remove a row.
CREATE FUNCTION "waiver_audit_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'WaiverAudit is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "WaiverAudit_append_only"
  BEFORE UPDATE OR DELETE ON "WaiverAudit"
  FOR EACH ROW EXECUTE FUNCTION "waiver_audit_append_only"();
