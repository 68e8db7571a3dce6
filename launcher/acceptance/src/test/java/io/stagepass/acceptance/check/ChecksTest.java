package io.stagepass.acceptance.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChecksTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Checks checks = new Checks(new PrintStream(printed, true, StandardCharsets.UTF_8));

    private static Check check(String name, Optional<String> announcement, CheckResult result) {
        return new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> announcement() {
                return announcement;
            }

            @Override
            public CheckResult run() {
                return result;
            }
        };
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theAnnouncementComesBeforeTheWaitAndTheLinesAfter() {
        checks.run(check(
                "replay",
                Optional.of("Waiting for the replay..."),
                CheckResult.held("replay", List.of("  replay v1 READY"))));

        assertThat(printed()).isEqualTo("Waiting for the replay...\n  replay v1 READY\n");
        assertThat(checks.allHeld()).isTrue();
    }

    @Test
    void aCheckThatThrowsHasNotHeldAndSaysWhy() {
        CheckResult result = checks.run(new Check() {
            @Override
            public String name() {
                return "lake";
            }

            @Override
            public CheckResult run() {
                throw new IllegalStateException("no S3");
            }
        });

        assertThat(result.held()).isFalse();
        assertThat(printed()).contains("lake could not be checked").contains("no S3");
        assertThat(checks.allHeld()).isFalse();
    }

    @Test
    void aCheckWhoseDependencyFailedIsNotRunAndCountsAsNotHeld() {
        Check never = check("dashboard", Optional.empty(), null);

        CheckResult result = checks.runIf(false, never, "the pipeline's revenue did not hold");

        assertThat(result.held()).isFalse();
        assertThat(printed()).isEqualTo("  dashboard: not checked, the pipeline's revenue did not hold\n");
        assertThat(checks.results()).extracting(CheckResult::name).containsExactly("dashboard");
    }
}
