// Every kind of timeline event the product writes. `recordEvent` accepts only
// these, so a typo is a compile error and the post-mortem renderer can switch
// over a closed set. To add a kind: add it here (and, if the post-mortem shows
// it specially, there too).
export const TIMELINE_KINDS = [
  // declare and the war room
  "incident_started",
  "declared",
  "severity_override",
  "war_room_created",
  "war_room_archived",
  "severity_changed",
  "role_assigned",
  "status_update",
  "phase_changed",
  "message",
  "marker_set",
  "event_edited",
  "permission_refused",
  // SLA
  "sla_reminder",
  "sla_breached",
  "sla_met",
  // the outbox
  "step_failed",
  "steps_retried",
  // release lane
  "branch_requested",
  "branch_created",
  "branch_protected",
  "branch_deleted",
  "tag_requested",
  "milestone_tagged",
  "release_requested",
  "release_checks_passed",
  "release_refused",
  "released",
  "release_dispatched",
  "release_marked_prerelease",
  "workflow_run_waiting",
  "release_run_failed",
  "rollback_dispatched",
  "rollback_redeployed",
  "rollback_run_failed",
  "staging_skipped",
  "pull_request_closed",
  "legacy_branch_deleted",
  "rolled_back",
  "deployed",
  "deployment_failed",
  "pull_request_merged",
  "stability_window_passed",
  "completion_started",
  "merged_back",
  "merge_back_blocked",
  "merge_back_conflict",
  "final_tagged",
  "changelog_updated",
  "completed",
  // UAT (runbook 003)
  "uat_started",
  "uat_feedback",
  "uat_checklist_item",
  "uat_signed_off",
  "uat_rejected",
  "uat_due",
  "uat_overdue",
  "uat_skipped",
  "uat_review_closed",
  "uat_summary_shared",
  "uat_feedback_resolved",
  "linear_issue_created",
  "followup_created",
  // waivers
  "waiver_requested",
  "waiver_approved",
  "waiver_activated",
  "waiver_refused",
  "waiver_denied",
  "waiver_used",
  "waiver_expired",
  "waiver_revoked",
  // guardrails and alerts (guardrails_tuned is listed below)
  "stability_window_restarted",
  "guardrail_breached",
  "guardrail_recovered",
  "guardrail_acknowledged",
  "alert_received",
  // post-mortem
  "postmortem_due",
  "postmortem_exported",
  "postmortem_reminder",
  // runbook 001's outstanding items that no lane writes yet (the status report ticks them)
  "guardrails_tuned",
  "uat_scheduled",
  "legacy_branches_retired",
  "docs_updated",
  // curated timeline: an event added afterwards at a past time
  "event_added",
] as const;

export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export function isTimelineKind(value: string): value is TimelineKind {
  return (TIMELINE_KINDS as readonly string[]).includes(value);
}
