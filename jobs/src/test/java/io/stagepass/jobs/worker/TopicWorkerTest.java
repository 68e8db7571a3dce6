package io.stagepass.jobs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TopicWorkerTest {
    @Test
    void aWorkersClientIdNamesItsProcessAndIsUniqueInIt() {
        String first = TopicWorker.clientId("stagepass-jobs", Topic.LIVES);
        String second = TopicWorker.clientId("stagepass-jobs", Topic.LIVES);

        assertThat(first)
                .startsWith("stagepass-jobs-stagepass.catalog.lives-pid")
                .isNotEqualTo(second);
        assertThat(TopicWorker.pidOf(first))
                .hasValue(ProcessHandle.current().pid())
                .isEqualTo(TopicWorker.pidOf(second));
    }

    @Test
    void aClientIdThatIsNotAWorkersNamesNoProcess() {
        assertThat(TopicWorker.pidOf("consumer-stagepass-jobs-1")).isEqualTo(OptionalLong.empty());
    }
}
