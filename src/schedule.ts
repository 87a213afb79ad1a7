// `schedule`: a cron expression, read with the cron package's CronTime. The daemon and `check`
// both use this, so `check` refuses exactly what `run` would. Import it lazily: a plain `--once`
// has no schedule and should not load the cron package.
import { CronTime } from 'cron';
import { configError } from './errors.js';

/** A cron expression → its next time after `from`, or a config error naming `schedule`. */
export function parseSchedule(expr: string, file: string): (from: Date) => Date {
  let cron: CronTime;
  try {
    cron = new CronTime(expr);
  } catch (err) {
    throw configError('SCHEDULE_INVALID', `${file}: schedule: "${expr}" is not a cron expression (${(err as Error).message}); e.g. "*/5 * * * *"`);
  }
  return (from) => cron.getNextDateFrom(from).toJSDate();
}
