package io.stagepass.bench.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/**
 * How phase (b) went. Times are seconds after submission, NaN when it did not happen; per job in submission order.
 *
 * @param ids            the running jobs
 * @param expected       records each job has to consume
 * @param consumedAt     when each job's sources had consumed all of them
 * @param committedAt    when each job's committed offsets reached the end
 * @param firstRecordAt  when the first record was consumed
 * @param allConsumedAt  when every job had consumed everything
 * @param allCommittedAt when every job's committed offsets had reached the end
 * @param incidents      what went wrong, for the report
 * @param profile        the JFR recording of the phase, or null
 */
record JobsRun(
        Map<String, Long> expected,
        Map<String, Double> consumedAt,
        Map<String, Double> committedAt,
        double firstRecordAt,
        double allConsumedAt,
        double allCommittedAt,
        List<String> incidents,
        Path profile,
        Map<String, JobID> ids) {}
