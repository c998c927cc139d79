import { native } from './native.js';

interface PollHandle {
  close(): void;
}

/**
 * Calls `onReady` when any of `fds` polls readable (libuv poll through koffi), and also every
 * `intervalMs` as a fallback: perf wakeups travel through irq_work, which an idle vCPU can
 * delay indefinitely, so readiness alone is not reliable in VMs.
 */
export class FdWatch {
  private handles: PollHandle[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(fds: readonly number[], onReady: () => void, intervalMs = 50) {
    try {
      for (const fd of fds) this.handles.push(native().koffi.node.poll(fd, { readable: true }, () => onReady()) as PollHandle);
    } catch (e) {
      this.close();
      throw e;
    }
    if (intervalMs > 0) this.timer = setInterval(onReady, intervalMs);
  }

  /** Stop watching (idempotent). */
  close(): void {
    for (const h of this.handles.splice(0)) h.close();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
