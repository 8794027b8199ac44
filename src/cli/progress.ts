import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr (a plain line per 10% when not a terminal, so logs stay readable).
 * Call bar(phase, done, total); total 0 = unknown yet.
 */
export function progressBar(title: string) {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  let lastPct = -1;
  const fn = (ph: string, done: number, total: number) => {
    if (tty) {
      if (ph !== phase || !bar) {
        bar?.stop();
        phase = ph;
        bar = new cliProgress.SingleBar(
          { format: `${title} ${ph} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | ETA {eta_formatted}`, hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, done, 1), done);
      }
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done);
    } else {
      if (ph !== phase) {
        phase = ph;
        lastPct = -1;
      }
      const pct = total ? Math.floor((done / total) * 10) * 10 : -1;
      if (pct !== lastPct && total) {
        lastPct = pct;
        process.stderr.write(`${title} ${ph}: ${done}/${total} (${pct}%)\n`);
      }
    }
  };
  fn.done = () => {
    bar?.stop();
    bar = null;
  };
  return fn;
}
