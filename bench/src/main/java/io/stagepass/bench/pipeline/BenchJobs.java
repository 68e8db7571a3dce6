package io.stagepass.bench.pipeline;

import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.platform.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** The pipeline jobs the bench runs, what they read, and how they are configured and built. */
final class BenchJobs {
    /** What the bench produces and the baseline reads: the jobs' input topics. */
    static final List<Topic> INPUTS = List.of(Topic.BEACONS, Topic.PAYMENTS);
    /** The input topics of the jobs the bench knows; another job is assumed to read both. */
    private static final Map<String, List<Topic>> JOB_INPUTS = Map.of(
            "revenue", List.of(Topic.PAYMENTS),
            "audience", List.of(Topic.BEACONS, Topic.PAYMENTS));

    private BenchJobs() {}

    /** The jobs of these names that exist; a note for each that does not. */
    static List<PipelineJob> existing(List<String> names) {
        List<PipelineJob> jobs = new ArrayList<>();
        for (String name : names) {
            PipelineJobs.byName(name)
                    .ifPresentOrElse(
                            jobs::add,
                            () -> System.out.printf(
                                    "%nNOTE: job '%s' is not in PipelineJobs (yet): skipped; known jobs: %s%n",
                                    name,
                                    PipelineJobs.all().stream()
                                            .map(PipelineJob::name)
                                            .collect(Collectors.joining(", "))));
        }
        if (jobs.isEmpty()) {
            throw new IllegalStateException("none of the jobs " + names + " exists");
        }
        return jobs;
    }

    static List<Topic> inputs(String job) {
        return JOB_INPUTS.getOrDefault(job, INPUTS);
    }

    /** The environment's configuration on the embedded broker, with this checkpoint interval. */
    static PipelineConfig config(PipelineConfig defaults, KafkaSettings kafka, Duration checkpointInterval) {
        return new PipelineConfig(
                kafka,
                checkpointInterval,
                defaults.parallelism(),
                defaults.s3(),
                defaults.lakeCheckpointInterval(),
                defaults.lakePublishEvery(),
                defaults.lakeCloseAfter());
    }

    static StreamGraph graph(PipelineJob job, PipelineConfig config) {
        return PipelineJobs.streamGraph(StreamExecutionEnvironment.getExecutionEnvironment(), job, config);
    }

    static String names(List<PipelineJob> jobs, String separator) {
        return jobs.stream().map(PipelineJob::name).collect(Collectors.joining(separator));
    }
}
