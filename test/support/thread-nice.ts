import { readdirSync, readFileSync } from 'node:fs';

/** Nice value of a thread (Linux): field 19 of /proc/<task>/stat, counted after the parenthesised command name. */
export function threadNice(taskDir: string): number {
  const stat = readFileSync(`${taskDir}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** How many threads of this process run at `nice`. */
export function threadsAtNice(nice: number): number {
  return readdirSync('/proc/self/task').filter((task) => {
    try {
      return threadNice(`/proc/self/task/${task}`) === nice;
    } catch {
      return false; // the thread ended meanwhile
    }
  }).length;
}
