/** Where the commands write. Plain process streams, so that tests can capture them and pipes work. */
export const io = {
  out(text = ''): void {
    process.stdout.write(`${text}\n`);
  },
  /** Exactly `text`, no newline added (a CSV ends its own lines). */
  write(text: string): void {
    process.stdout.write(text);
  },
  err(text = ''): void {
    process.stderr.write(`${text}\n`);
  },
};
