package io.stagepass.acceptance.check;

import java.util.Optional;

/**
 * One thing a scenario checks against an independent account of what it did (its ground truth). A check waits for
 * what it needs, reads it, and answers a {@link CheckResult}; it keeps no state between runs and shares none with
 * other checks, so checks can be run in any order.
 */
public interface Check {
    /** A short name, e.g. {@code revenue}. */
    String name();

    /** A line to print before the check waits (so a person watching knows what is awaited), if any. */
    default Optional<String> announcement() {
        return Optional.empty();
    }

    CheckResult run() throws Exception;
}
