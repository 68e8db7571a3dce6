package io.stagepass.launcher;

import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stagepass} command. */
@Command(
        name = "stagepass",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        description =
                "Stagepass: paid live events, their revenue and audience metrics, and replays for ticket holders.",
        subcommands = {
            UpCommand.class,
            DemoCommand.class,
            CreatorsCommand.class,
            AnalystsCommand.class,
            LivesCommand.class,
            TokenCommand.class,
            TopicsCommand.class,
            BucketsCommand.class,
            StripeSandboxCommand.class,
            LoadCommand.class,
            LakeCommand.class,
            ReplayCommand.class,
            CommandLine.HelpCommand.class
        })
public final class StagepassCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The log file goes under the data directory; log4j reads this property when the first logger is made.
        System.setProperty("stagepass.log.file", logFile(args).toString());
        System.exit(commandLine().execute(args));
    }

    /** Where the command logs: {@code DATA_DIR/logs/stagepass.log} (UpCommandIT reads it there). */
    static Path logFile(String[] args) {
        return dataDir(args).resolve("logs").resolve("stagepass.log");
    }

    /** The data directory as the command will see it, before picocli runs: --data-dir, then the environment. */
    static Path dataDir(String[] args) {
        String dir = System.getenv().getOrDefault(StackConfig.DATA_DIR, StackConfig.DEFAULT_DATA_DIR);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                dir = args[i + 1];
            } else if (args[i].startsWith("--data-dir=")) {
                dir = args[i].substring("--data-dir=".length());
            }
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StagepassCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof IllegalStateException) {
                commandLine.getErr().println("stagepass: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
