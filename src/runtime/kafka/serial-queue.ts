/**
 * Runs async jobs one after another. Batches from the consumer, wall-clock punctuation and global
 * table updates all touch the same tasks; none may start while another is half done.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
