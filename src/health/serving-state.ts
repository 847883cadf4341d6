import { Injectable } from '@nestjs/common';

/**
 * Whether this replica still takes new work. Set once, when SIGTERM starts the drain (main.ts);
 * readiness then fails, so nothing routes new requests here while in-flight ones finish.
 */
@Injectable()
export class ServingState {
  private drainingSince?: Date;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  startDraining(): void {
    this.drainingSince ??= new Date();
  }
}
