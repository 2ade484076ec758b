// Mermaid's own gantt parser (the `mermaid` package) in Node: it wants a DOM
// at import, so a minimal one (happy-dom) is installed first. Returns the
// bars as Mermaid computed them, so a test checks times, not only syntax.
import { Window } from "happy-dom";

let loaded: Promise<typeof import("mermaid").default> | undefined;

async function mermaid() {
  loaded ??= (async () => {
    const window = new Window();
    Object.assign(globalThis, { window, document: window.document });
    const { default: m } = await import("mermaid");
    m.initialize({ startOnLoad: false });
    return m;
  })();
  return loaded;
}

export interface GanttBar {
  task: string;
  start: Date;
  end: Date;
}

/** Parses a gantt chart with Mermaid (throws on a syntax error) and returns its bars with Mermaid's computed times. */
export async function parseGantt(text: string): Promise<GanttBar[]> {
  const m = await mermaid();
  await m.parse(text);
  const diagram = await m.mermaidAPI.getDiagramFromText(text);
  if (diagram.type !== "gantt") throw new Error(`expected a gantt chart, got ${diagram.type}`);
  const db = diagram.db as unknown as { getTasks(): Array<{ task: string; startTime: Date; endTime: Date }> };
  return db.getTasks().map((t) => ({ task: t.task.trim(), start: t.startTime, end: t.endTime }));
}
