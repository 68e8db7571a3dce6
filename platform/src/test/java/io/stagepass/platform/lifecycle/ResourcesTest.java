package io.stagepass.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {
    /** A service that starts two parts, the second of which may fail. */
    private static final class Service implements AutoCloseable {
        final List<String> events = new ArrayList<>();
        private final Resources resources = new Resources();

        void startAll(boolean secondFails) {
            resources.add(() -> events.add("first closed"));
            events.add("first started");
            if (secondFails) {
                throw new IllegalStateException("port in use");
            }
            resources.add(() -> events.add("second closed"));
        }

        @Override
        public void close() {
            resources.close();
        }
    }

    @Test
    void aServiceThatStartsIsReturnedRunning() throws Exception {
        Service service = Resources.startOrClose(new Service(), s -> s.startAll(false));

        assertThat(service.events).containsExactly("first started");
        service.close();
        assertThat(service.events).containsExactly("first started", "second closed", "first closed");
    }

    @Test
    void aFailedStepStopsWhatTheEarlierStepsStartedAndPassesTheFailureOn() {
        Service service = new Service();

        assertThatThrownBy(() -> Resources.startOrClose(service, s -> s.startAll(true)))
                .hasMessage("port in use");
        assertThat(service.events).containsExactly("first started", "first closed");
    }
}
