import { authMethods } from "./auth.js";
import { bookmarkMethods } from "./bookmarks.js";
import { chatMethods } from "./chat.js";
import type { MethodTable } from "./context.js";
import { conversationMethods } from "./conversations.js";
import { fileMethods } from "./files.js";
import { pinMethods } from "./pins.js";
import { reactionMethods } from "./reactions.js";
import { userMethods } from "./users.js";
import { viewMethods } from "./views.js";

/** Every Web API method the emulator answers; anything else is unknown_method. */
export const METHODS: MethodTable = {
  ...authMethods,
  ...conversationMethods,
  ...chatMethods,
  ...viewMethods,
  ...pinMethods,
  ...bookmarkMethods,
  ...reactionMethods,
  ...userMethods,
  ...fileMethods,
};
