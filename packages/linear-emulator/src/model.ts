// The workspace the emulator holds in memory: plain records, one map per kind.
// Relations are ids; views.ts turns a record into the GraphQL object.
export interface Organization {
  id: string;
  name: string;
  /** The workspace slug in https://linear.app/<urlKey>/issue/ENG-1/... */
  urlKey: string;
  createdAt: string;
}

export interface User {
  id: string;
  name: string;
  displayName: string;
  email: string;
  admin: boolean;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Team {
  id: string;
  key: string;
  name: string;
  description: string | null;
  memberIds: string[];
  /** Last issue number handed out; identifiers are `${key}-${number}`. */
  issueSequence: number;
  createdAt: string;
  updatedAt: string;
}

export type WorkflowStateType = "triage" | "backlog" | "unstarted" | "started" | "completed" | "canceled";

export interface WorkflowState {
  id: string;
  teamId: string;
  name: string;
  type: WorkflowStateType;
  color: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  slugId: string;
  teamIds: string[];
  state: string;
  createdAt: string;
  updatedAt: string;
}

export interface IssueLabel {
  id: string;
  name: string;
  color: string;
  description: string | null;
  /** null: a workspace label, usable by every team. */
  teamId: string | null;
  parentId: string | null;
  isGroup: boolean;
  creatorId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Issue {
  id: string;
  teamId: string;
  number: number;
  title: string;
  description: string | null;
  /** 0 none, 1 urgent, 2 high, 3 medium (normal), 4 low. */
  priority: number;
  stateId: string;
  projectId: string | null;
  labelIds: string[];
  creatorId: string | null;
  assigneeId: string | null;
  parentId: string | null;
  estimate: number | null;
  dueDate: string | null;
  sortOrder: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  canceledAt: string | null;
  archivedAt: string | null;
}

export interface Comment {
  id: string;
  issueId: string;
  body: string;
  userId: string | null;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Attachment {
  id: string;
  issueId: string;
  title: string;
  subtitle: string | null;
  url: string;
  metadata: Record<string, unknown>;
  sourceType: string | null;
  creatorId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const PRIORITY_LABELS = ["No priority", "Urgent", "High", "Medium", "Low"] as const;
