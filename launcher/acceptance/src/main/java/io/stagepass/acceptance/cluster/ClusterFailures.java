package io.stagepass.acceptance.cluster;

import io.stagepass.acceptance.DeploymentOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The local cluster's failure scenarios ({@code deploy/local-cluster failures}): each one under a sustained load, the
 * cluster watched through Flink's REST API, Kafka's admin API and the topics, and the load compared with its ground
 * truth. The script starts and stops the processes; this decides when they recovered.
 */
@Command(
        name = "failures",
        mixinStandardHelpOptions = true,
        description = {
            "Inject failures into the local cluster (deploy/local-cluster) under a sustained load, print how long it"
                    + " took to recover, and compare revenue, entitlements, beacons, segments and the replay with the"
                    + " load's ground truth. Exits 0 when every scenario recovered and met its ground truth.",
            "Run by deploy/local-cluster failures, which passes the cluster's addresses."
        })
public final class ClusterFailures implements Callable<Integer> {
    private static final Map<String, Scenario> SCENARIOS =
            scenarios(new TaskManagerLoss(), new BrokerLoss(), new IngestLoss(), new JobsWorkerLoss(), new Upgrade());

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--flink-url", required = true, paramLabel = "URL", description = "Flink's REST API.")
    String flinkUrl;

    @Option(
            names = "--cluster-dir",
            required = true,
            paramLabel = "DIR",
            description = "The cluster's folder (pids/, logs/, the ingest spools).")
    Path clusterDir;

    @Option(
            names = "--script",
            required = true,
            paramLabel = "FILE",
            description = "deploy/local-cluster, which starts processes again and stops and submits the jobs.")
    Path script;

    @Option(names = "--taskmanagers", defaultValue = "2", paramLabel = "N", description = "TaskManagers running.")
    int taskManagers;

    @Parameters(
            paramLabel = "SCENARIO",
            description = "Any of ${COMPLETION-CANDIDATES} (default: all, in this order).",
            completionCandidates = Names.class)
    List<String> names = new ArrayList<>();

    /** The scenarios' names, for the help. */
    static final class Names extends ArrayList<String> {
        Names() {
            super(SCENARIOS.keySet());
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterFailures()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        deployment.requireComplete(spec.commandLine());
        List<Scenario> chosen = chosen();
        PrintStream out = System.out;
        List<Integer> brokerPorts = Arrays.stream(
                        deployment.kafkaSettings().bootstrapServers().split(","))
                .map(address -> Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)))
                .toList();
        List<String> failed = new ArrayList<>();
        try (KafkaHealth kafka = new KafkaHealth(deployment.kafkaSettings())) {
            Cluster cluster = new Cluster(
                    new ClusterProcesses(clusterDir, script),
                    new FlinkRest(flinkUrl),
                    kafka,
                    deployment.loadTarget(),
                    brokerPorts,
                    taskManagers,
                    out);
            for (Scenario scenario : chosen) {
                cluster.log("=== " + scenario.name() + " ===");
                if (!run(cluster, scenario)) {
                    failed.add(scenario.name());
                }
            }
            if (!failed.isEmpty()) {
                System.err.println("local-cluster: ground truth not met after: " + String.join(" ", failed));
                return 1;
            }
            cluster.log("every scenario recovered and its ground truth was met");
            return 0;
        } catch (ScenarioFailure e) {
            System.err.println("local-cluster: " + e.getMessage());
            return 1;
        }
    }

    private static boolean run(Cluster cluster, Scenario scenario) throws Exception {
        scenario.requireTopology(cluster);
        RunningLoad load = RunningLoad.start(cluster, scenario.name(), scenario.loadLength());
        scenario.strike(cluster, load);
        return load.finish(scenario.name());
    }

    private List<Scenario> chosen() {
        if (names.isEmpty()) {
            return List.copyOf(SCENARIOS.values());
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names) {
            Scenario scenario = SCENARIOS.get(name);
            if (scenario == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "unknown scenario '" + name + "' (" + String.join(", ", SCENARIOS.keySet()) + ")");
            }
            chosen.add(scenario);
        }
        return chosen;
    }

    private static Map<String, Scenario> scenarios(Scenario... all) {
        return Arrays.stream(all)
                .collect(Collectors.toMap(Scenario::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
