package io.stagepass.bench.serve;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's nginx serving a folder on a loopback port: the baseline of serving files. */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Nginx serve(Path root, Path work, int port) throws Exception {
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        // One worker per core, sendfile: nginx as people run it for static files.
        Files.writeString(conf, """
                user root;
                worker_processes auto;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  sendfile on;
                  tcp_nopush on;
                  keepalive_requests 100000;
                  types { video/mp2t ts; video/mp4 mp4; image/jpeg jpg; application/vnd.apple.mpegurl m3u8; }
                  client_body_temp_path %s/tmp;
                  server { listen 127.0.0.1:%d; root %s; }
                }
                """.formatted(prefix, prefix, prefix, port, root));
        Process process = new ProcessBuilder(
                        "nginx", "-p", prefix.toString(), "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("nginx.out").toFile())
                .start();
        for (int i = 0; i < 100; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return new Nginx(process, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroy();
        throw new IllegalStateException("nginx did not start: " + Files.readString(prefix.resolve("nginx.out")));
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
