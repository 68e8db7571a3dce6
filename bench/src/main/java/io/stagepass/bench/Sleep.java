package io.stagepass.bench;

/** The benchmarks wait a lot; an interrupt ends a wait early and stays set for the caller to see. */
public final class Sleep {
    private Sleep() {}

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
