/** Where the commands write. Plain process streams, so that tests can capture them and pipes work. */
export const io = {
  out(text = ''): void {
    process.stdout.write(`${text}\n`);
  },
  err(text = ''): void {
    process.stderr.write(`${text}\n`);
  },
};
