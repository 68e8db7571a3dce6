package io.stagepass.acceptance.load;

import io.stagepass.acceptance.check.CheckResult;
import java.util.List;

/**
 * How a load ended: the live it ran on, each part of the comparison with the ground truth, the requests clients gave
 * up on, and the summary lines it printed from the end of the load on (what a failure scenario shows of it).
 */
public record LoadReport(String liveId, List<CheckResult> comparison, int givenUp, List<String> summary) {
    public LoadReport {
        comparison = List.copyOf(comparison);
        summary = List.copyOf(summary);
    }

    /** Whether the deployment's results equal the ground truth and no client gave a request up. */
    public boolean equal() {
        return givenUp == 0 && CheckResult.allHeld(comparison);
    }
}
