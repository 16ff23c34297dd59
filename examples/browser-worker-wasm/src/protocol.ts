/** The messages the training worker posts to the page. */
export type WorkerMessage =
  | { kind: 'threads'; isolated: boolean; workers: number; reason: string | null }
  | { kind: 'epoch'; epoch: number; epochs: number; loss: number }
  | { kind: 'done'; result: TrainingResult }
  | { kind: 'error'; message: string };

export interface TrainingResult {
  /** The worker's own `crossOriginIsolated`. */
  isolated: boolean;
  /** Kernel worker threads still running after training (a pool that failed would report 0). */
  workers: number;
  /** Threads that computed the products: the kernel workers plus this worker itself. */
  threads: number;
  /** Why threads are unavailable, or null. */
  reason: string | null;
  backend: string;
  sharedMemory: boolean;
  /** Multiply-adds of the largest product, and the size at which products are split over threads. */
  largestProduct: number;
  parallelMin: number;
  losses: number[];
  accuracy: number;
}
