// async-exit-hook ships no types; only the two calls src/store/embedded.ts makes.
declare module "async-exit-hook" {
  interface AsyncExitHook {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  }
  const exitHook: AsyncExitHook;
  export default exitHook;
}
