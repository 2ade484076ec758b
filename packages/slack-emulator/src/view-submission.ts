// Slack's side of a view_submission: an empty 200 closes the view, and
// response_action errors / update / push / clear change the modal stack.
// Answers Slack would reject are reported as problems and change nothing.
import { normalizeView } from "./blockkit.js";
import type { Delivery } from "./delivery.js";
import type { WorkspaceState } from "./state.js";
import type { JsonObject, StoredView } from "./types.js";
import { closeStack, closeTop, createView, MAX_STACK, replaceView } from "./view-store.js";

export interface SubmissionOutcome {
  /** What the app asked for: "close" for an empty 200, or its response_action. */
  responseAction: "close" | "errors" | "update" | "push" | "clear" | undefined;
  errors: Record<string, string> | undefined;
  /** The submitted view, as it is now. */
  view: StoredView;
  /** The view on top of the user's screen after Slack applied the answer (undefined: closed). */
  current: StoredView | undefined;
  /** Reasons Slack would reject the app's answer ("We had some trouble connecting"). */
  problems: string[];
}

/** What Slack does with the app's answer to a view_submission. */
export function applySubmissionAnswer(state: WorkspaceState, view: StoredView, delivery: Delivery): SubmissionOutcome {
  const problems: string[] = [];
  const top = () => {
    const stack = state.stackOf(view);
    return state.viewStore.get(stack.at(-1) ?? "");
  };
  if (delivery.timedOut || delivery.status !== 200) {
    problems.push(delivery.timedOut ? "the app did not answer within 3 seconds" : `HTTP ${delivery.status}`);
    return { responseAction: undefined, errors: undefined, view, current: top(), problems };
  }
  const body = delivery.responseBody;
  if (body === "" || body === undefined) {
    closeTop(state, view);
    return { responseAction: "close", errors: undefined, view, current: top(), problems };
  }
  if (typeof body !== "object" || body === null) {
    problems.push("the answer is not JSON");
    return { responseAction: undefined, errors: undefined, view, current: top(), problems };
  }
  const answer = body as JsonObject;
  switch (answer.response_action) {
    case "errors": {
      const errors = (answer.errors ?? {}) as Record<string, string>;
      const inputIds = new Set(view.blocks.filter((b) => b.type === "input").map((b) => String(b.block_id)));
      for (const key of Object.keys(errors)) {
        // Slack rejects the whole answer when a key is not an input block's id.
        if (!inputIds.has(key)) problems.push(`errors key "${key}" is not the block_id of an input block`);
      }
      return { responseAction: "errors", errors, view, current: top(), problems };
    }
    case "update":
    case "push": {
      const result = normalizeView(answer.view, ["modal"]);
      if (result.tooLarge) problems.push("view_too_large");
      problems.push(...result.errors);
      if (problems.length > 0) {
        return { responseAction: answer.response_action, errors: undefined, view, current: top(), problems };
      }
      if (answer.response_action === "update") {
        replaceView(state, view, result);
      } else {
        const stack = state.stackOf(view);
        if (stack.length >= MAX_STACK) {
          problems.push("push_limit_reached");
        } else {
          const pushed = createView(state, result, view.userId, {
            rootViewId: view.rootViewId,
            previousViewId: view.id,
          });
          stack.push(pushed.id);
        }
      }
      return { responseAction: answer.response_action, errors: undefined, view, current: top(), problems };
    }
    case "clear":
      closeStack(state, view.rootViewId);
      return { responseAction: "clear", errors: undefined, view, current: undefined, problems };
    default:
      // A JSON body without response_action closes the view like an empty one.
      closeTop(state, view);
      return { responseAction: "close", errors: undefined, view, current: top(), problems };
  }
}
