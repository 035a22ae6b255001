package dev.sandgate.benchmarks;

/** Wall-clock timing of one piece of work. */
final class Timing {
    private Timing() {
    }

    interface Work {
        void run() throws Exception;
    }

    static double millis(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    }

    static double seconds(Work work) throws Exception {
        return millis(work) / 1000;
    }
}
