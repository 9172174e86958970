import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../store/atomic.js';
import type { JobRecord, ScheduleStore } from './scheduler.js';

interface ScheduleFile {
  version: 1;
  jobs: Record<string, JobRecord>;
}

export function scheduleFile(stateDir: string): string {
  return join(stateDir, 'schedule.json');
}

/** The scheduler's memory (last slot per job), so catch-up after downtime knows what was missed. */
export class FileScheduleStore implements ScheduleStore {
  private readonly file: string;
  private data: ScheduleFile;

  constructor(stateDir: string) {
    this.file = scheduleFile(stateDir);
    this.data = readJsonFile<ScheduleFile>(this.file) ?? { version: 1, jobs: {} };
  }

  get(id: string): JobRecord | undefined {
    return this.data.jobs[id];
  }

  set(id: string, rec: JobRecord): void {
    this.data.jobs[id] = rec;
    writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
  }

  all(): Record<string, JobRecord> {
    return { ...this.data.jobs };
  }
}

/** For `radar status`: what the daemon last recorded per job, without opening it for writing. */
export function readScheduleState(stateDir: string): Record<string, JobRecord> {
  return readJsonFile<ScheduleFile>(scheduleFile(stateDir))?.jobs ?? {};
}
