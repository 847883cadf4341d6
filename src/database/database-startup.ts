import { Logger } from '@nestjs/common';
import { DatabaseNotReadyError, describeDatabaseError, explainStartFailure, isDatabaseUnavailable } from './database-errors.js';

/** 250 ms, 500 ms, 1 s, ... capped at 5 s, each within ±20% so that replicas do not retry in step. */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Getting an external database ready (reachable, migrated) while the app already listens, so that
 * the readiness probe can say what it waits for. An unreachable database is retried with backoff
 * until the deadline; anything else (bad credentials, a missing privilege, an edited migration) is
 * a setup mistake and fails at once.
 */
export class DatabaseStartup {
  private readonly logger = new Logger('Database');
  private readonly deadline: number;
  private state: 'starting' | 'ready' | 'failed' = 'starting';
  private attempts = 0;
  private lastFailure?: { attempt: number; reason: string };
  private cancelled = false;
  private wake?: () => void;

  constructor(private readonly timeoutMs: number) {
    this.deadline = Date.now() + timeoutMs;
  }

  static alreadyReady(): DatabaseStartup {
    const startup = new DatabaseStartup(0);
    startup.state = 'ready';
    return startup;
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Why the database does not serve yet; for readiness and for the 503s meanwhile. */
  describe(): string {
    if (this.state === 'ready') return 'ready';
    const last = this.lastFailure ? `; attempt ${this.lastFailure.attempt} failed: ${this.lastFailure.reason}` : '';
    if (this.state === 'failed') return `gave up${last}`;
    return `starting: connecting and applying migrations${last}; retrying until ${new Date(this.deadline).toISOString()}`;
  }

  assertReady(): void {
    if (this.state !== 'ready') throw new DatabaseNotReadyError(`database not ready (${this.describe()})`);
  }

  /** Runs `task` until it succeeds, it fails for a reason retrying cannot fix, or the deadline passes. */
  async run(task: () => Promise<void>): Promise<void> {
    for (;;) {
      this.attempts++;
      try {
        await task();
        this.state = 'ready';
        return;
      } catch (error) {
        const reason = describeDatabaseError(error);
        this.lastFailure = { attempt: this.attempts, reason };
        const delay = backoffDelayMs(this.attempts);
        if (!isDatabaseUnavailable(error)) {
          this.state = 'failed';
          throw explainStartFailure(error);
        }
        if (Date.now() + delay > this.deadline) {
          this.state = 'failed';
          throw new Error(`Database not reachable within DATABASE_START_TIMEOUT_MS (${this.timeoutMs} ms): ${reason}`, { cause: error });
        }
        this.logger.warn(`Database not ready (attempt ${this.attempts}: ${reason}); retrying in ${delay} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (this.cancelled) {
          this.state = 'failed';
          throw new Error('Database start abandoned: the app is closing', { cause: error });
        }
      }
    }
  }

  /** The app is closing: stop retrying (the current attempt's failure ends the loop). */
  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }
}
