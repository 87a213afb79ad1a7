// A deadline as an AbortSignal that reliably fires. On Node 20 a signal made by
// AbortSignal.any([..., AbortSignal.timeout(ms)]) can be garbage-collected with its timer and
// never abort; here the controller and timer stay referenced until `done()` is called.
export interface Deadline {
  signal: AbortSignal;
  /** True once the time ran out (as opposed to the parent being aborted). */
  expired(): boolean;
  done(): void;
}

export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError'));
  }, ms);
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    expired: () => expired,
    done() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
