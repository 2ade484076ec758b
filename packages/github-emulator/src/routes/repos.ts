// GET /repos/{owner}/{repo}.
import { repositoryJson } from "../render/repository.js";
import type { Handler } from "./types.js";

export const getRepo: Handler = (ctx) => ({ status: 200, body: repositoryJson(ctx.repo, "full") });
