package io.stagepass.acceptance.check;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Runs checks one after the other, printing each one's announcement before it and its lines after it. */
public final class Checks {
    private final PrintStream out;
    private final List<CheckResult> results = new ArrayList<>();

    public Checks(PrintStream out) {
        this.out = out;
    }

    /** Runs {@code check} and prints what it found; its result. A check that throws has not held, and says why. */
    public CheckResult run(Check check) {
        check.announcement().ifPresent(out::println);
        CheckResult result;
        try {
            result = check.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = CheckResult.failed(check.name(), List.of("  " + check.name() + ": interrupted"));
        } catch (Exception e) {
            result = CheckResult.failed(check.name(), List.of("  " + check.name() + " could not be checked: " + e));
        }
        result.lines().forEach(out::println);
        results.add(result);
        return result;
    }

    /** Runs {@code check} if {@code ready}, else records it as not held without running it. */
    public CheckResult runIf(boolean ready, Check check, String otherwise) {
        return ready ? run(check) : skip(check, otherwise);
    }

    /** A check that was not run because one it depends on did not hold. */
    public CheckResult skip(Check check, String because) {
        CheckResult result = CheckResult.failed(check.name(), List.of());
        out.println("  " + check.name() + ": not checked, " + because);
        results.add(result);
        return result;
    }

    public List<CheckResult> results() {
        return List.copyOf(results);
    }

    /** Whether every check run held (and none was skipped). */
    public boolean allHeld() {
        return CheckResult.allHeld(results);
    }
}
