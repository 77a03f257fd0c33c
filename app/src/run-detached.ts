/**
 * An event handler that runs an async action without the DOM waiting on it: each action reports its
 * own failures on the page, so nothing is left to reject.
 */
export const runDetached =
  <E>(action: (event: E) => Promise<void>) =>
  (event: E): void => {
    void action(event);
  };
