package io.stagepass.pipeline;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs one pipeline job: inside a Flink cluster when submitted with {@code flink run}, or in a local
 * MiniCluster when started with {@code java -jar}. Usage: {@code PipelineMain JOB}; {@code PipelineMain --list} prints
 * every job's name, one a line (what a deployment script submits).
 */
public final class PipelineMain {
    private PipelineMain() {}

    public static void main(String[] args) throws Exception {
        String names = PipelineJobs.all().stream().map(PipelineJob::name).collect(Collectors.joining(", "));
        if (args.length == 1 && args[0].equals("--list")) {
            PipelineJobs.all().forEach(job -> System.out.println(job.name()));
            return;
        }
        if (args.length != 1 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.println("Usage: PipelineMain JOB   (jobs: " + names + ")");
            System.exit(args.length == 1 ? 0 : 2);
        }
        PipelineJob job = PipelineJobs.byName(args[0]).orElse(null);
        if (job == null) {
            System.err.println("Unknown job '" + args[0] + "'; jobs: " + names);
            System.exit(2);
        }
        PipelineConfig config;
        try {
            config = PipelineConfig.fromEnv(Env.system());
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.execute(PipelineJobs.streamGraph(env, job, config));
    }
}
