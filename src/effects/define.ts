// How an outbox step is written. Each step states its key prefix, a zod
// schema for its params, what it depends on and its run(); `defineStep`
// returns the runner's untyped definition plus a typed `row()` that
// workflows call (through the area's constructors) to queue it. The key
// strings are made here and nowhere else.
import type { z } from "zod";
import type { AppContext } from "../context.js";
import { type EffectDefinition, type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import type { Prisma } from "../store/prisma.js";

/** A row for the incident's outbox, as a workflow adds it inside its transaction (`addEffects`). */
export interface OutboxRow {
  key: string;
  params: Prisma.InputJsonValue;
}

export interface StepRun<P> extends Omit<EffectRun, "params"> {
  params: P;
}

export interface StepSpec<S extends z.ZodType> {
  /** The key is `prefix` or `prefix:<id>`. */
  prefix: string;
  params: S;
  describe(params: z.output<S>, key: string): string;
  /** `params` is null when the row's params do not parse (the step then fails when it runs). */
  dependsOn(key: string, params: z.output<S> | null): string[];
  /** May run alongside the incident's other steps (see EffectDefinition.concurrent); default: in order. */
  concurrent?: (params: z.output<S>) => boolean;
  run(ctx: AppContext, run: StepRun<z.output<S>>): Promise<Record<string, unknown>>;
}

export interface Step<S extends z.ZodType> extends EffectDefinition {
  /** The outbox row for this step: `id` tells repeated runs apart (a stamp, a channel ...). */
  row(params: z.input<S>, id?: string): OutboxRow;
  /** The key a row of this step gets for `id` (for dependencies between steps). */
  keyFor(id?: string): string;
}

/** Params go through JSON once (Dates become ISO strings, undefined disappears), as the database would store them. */
function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? {}));
}

export function defineStep<S extends z.ZodType>(spec: StepSpec<S>): Step<S> {
  const parse = (raw: unknown, key: string): z.output<S> => {
    const parsed = spec.params.safeParse(raw);
    if (!parsed.success) throw new PermanentEffectError(`the step ${key} has params it cannot use: ${parsed.error.message}`);
    return parsed.data;
  };
  const keyFor = (id?: string) => (id ? `${spec.prefix}:${id}` : spec.prefix);
  return {
    prefix: spec.prefix,
    keyFor,
    row: (params, id) => ({ key: keyFor(id), params: toJson(spec.params.parse(params)) }),
    describe(key, raw) {
      const parsed = spec.params.safeParse(raw);
      return parsed.success ? spec.describe(parsed.data, key) : `run the step ${key}`;
    },
    dependsOn(key, raw) {
      const parsed = spec.params.safeParse(raw);
      return spec.dependsOn(key, parsed.success ? parsed.data : null);
    },
    concurrent(_key, raw) {
      if (!spec.concurrent) return false;
      const parsed = spec.params.safeParse(raw);
      // Params it cannot use fail the step when it runs; in order, like any other.
      return parsed.success && spec.concurrent(parsed.data);
    },
    run: (ctx, run) => spec.run(ctx, { ...run, params: parse(run.params, run.effect.key) }),
  };
}

/** The id part of a key: "gh-release-check:<id>" -> "<id>". */
export function idOf(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

/** Another step's result, read through a schema: undefined when that step has not run or left something else. */
export function resultOf<T extends z.ZodType>(run: Pick<EffectRun, "results">, key: string, schema: T): z.output<T> | undefined {
  const parsed = schema.safeParse(run.results.get(key));
  return parsed.success ? parsed.data : undefined;
}
