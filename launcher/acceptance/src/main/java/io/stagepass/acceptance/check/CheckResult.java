package io.stagepass.acceptance.check;

import java.util.List;

/**
 * What a check found: its name, whether what it checks held, and the lines that say what it saw (printed as they
 * are, indented by the check itself where they belong under a heading).
 */
public record CheckResult(String name, boolean held, List<String> lines) {
    public CheckResult {
        lines = List.copyOf(lines);
    }

    public static CheckResult held(String name, List<String> lines) {
        return new CheckResult(name, true, lines);
    }

    public static CheckResult failed(String name, List<String> lines) {
        return new CheckResult(name, false, lines);
    }

    public static CheckResult of(String name, boolean held, List<String> lines) {
        return new CheckResult(name, held, lines);
    }

    /** Whether every result held: a run with no result did not. */
    public static boolean allHeld(List<CheckResult> results) {
        return !results.isEmpty() && results.stream().allMatch(CheckResult::held);
    }
}
