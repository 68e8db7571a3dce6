package io.stagepass.acceptance.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes deploy/local-cluster started, as it keeps them: a pid file each under the cluster's folder. Killing
 * and pausing are done here; starting again, and stopping or submitting the pipeline's jobs, by the script, which knows
 * how each was started.
 */
final class ClusterProcesses {
    private static final long KILL_WAIT_SECONDS = 30;

    private final Path dir;
    private final Path script;

    ClusterProcesses(Path dir, Path script) {
        this.dir = dir;
        this.script = script;
    }

    Path dir() {
        return dir;
    }

    long pid(String name) throws IOException {
        return Long.parseLong(
                Files.readString(dir.resolve("pids").resolve(name + ".pid")).strip());
    }

    /** The process's name whose pid this is, if the cluster started it. */
    Optional<String> nameOf(long pid) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("pids"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                if (pid(name) == pid) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** kill -9, and wait until the process is gone. */
    void kill(String name) throws Exception {
        ProcessHandle process =
                ProcessHandle.of(pid(name)).orElseThrow(() -> new IllegalStateException(name + " is not running"));
        process.destroyForcibly();
        process.onExit().get(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, but answers nothing. */
    void pause(String name) throws Exception {
        signal("-STOP", name);
    }

    /** SIGCONT after {@link #pause}. */
    void resume(String name) throws Exception {
        signal("-CONT", name);
    }

    /** Starts the process again as it was started last, in its environment. */
    void respawn(String name) throws Exception {
        script("respawn", name);
    }

    /** Every pipeline job stopped with a savepoint (flink stop), remembered for the next submission. */
    void stopJobsWithSavepoints() throws Exception {
        script("stop-jobs");
    }

    /** Every pipeline job not running submitted, from its savepoint if it has one (flink run -s). */
    void submitJobs() throws Exception {
        script("submit-jobs");
    }

    /** Whether something accepts connections on the port. */
    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Segments an ingest instance acknowledged and has not delivered yet: the files of its spool. */
    long spooled(String ingest) throws IOException {
        Path spool = dir.resolve(ingest).resolve("spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(spool)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().contains("~"))
                    .count();
        }
    }

    private void signal(String signal, String name) throws Exception {
        int exit = new ProcessBuilder("kill", signal, Long.toString(pid(name)))
                .inheritIO()
                .start()
                .waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " " + name + " exited with " + exit);
        }
    }

    private void script(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(script.toString()), Stream.of(args))
                        .toList())
                .inheritIO();
        Map<String, String> env = builder.environment();
        env.put("STAGEPASS_CLUSTER_DIR", dir.toString());
        int exit = builder.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(
                    script.getFileName() + " " + String.join(" ", args) + " exited with " + exit);
        }
    }
}
