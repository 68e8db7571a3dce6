package io.stagepass.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobsConfigTest {
    @Test
    void anIdleBuildLeavesMemoryAfterFifteenMinutesUnlessTheDeploymentSaysOtherwise() {
        assertThat(JobsConfig.fromEnv(Env.of(Map.of())).buildIdle()).isEqualTo(Duration.ofMinutes(15));
        assertThat(JobsConfig.fromEnv(Env.of(Map.of(JobsConfig.BUILD_IDLE, "0s")))
                        .buildIdle())
                .isZero();
        assertThat(JobsConfig.fromEnv(Env.of(Map.of(JobsConfig.BUILD_IDLE, "2h")))
                        .buildIdle())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void anIdleTimeOutsideZeroToSevenDaysIsRefusedWithItsName() {
        for (String value : new String[] {"-1s", "P8D", "soon"}) {
            assertThatThrownBy(() -> JobsConfig.fromEnv(Env.of(Map.of(JobsConfig.BUILD_IDLE, value))))
                    .as(value)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(JobsConfig.BUILD_IDLE);
        }
    }
}
