package io.stagepass.replay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.replay.views.Views;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Views views = new Views(new KafkaSettings("127.0.0.1:1"));
    private final Dashboards dashboards = new Dashboards(views);

    @AfterEach
    void close() throws Exception {
        views.close();
    }

    @Test
    void aLiveWithNoPaymentsNoAudienceAndNoReplayAnswersEmptyNumbers() throws Exception {
        assertThat(JSON.writeValueAsString(dashboards.revenue("live_quiet")))
                .isEqualTo("{\"liveId\":\"live_quiet\",\"lastPaymentAt\":null,\"note\":\"gross, refunds and disputes"
                        + " in each charge currency; fees and net in the settlement currency\",\"currencies\":[]}");
        String mode = "{\"concurrency\":[],\"current\":0,\"peak\":{\"viewers\":0,\"at\":null},\"views\":0,"
                + "\"uniqueViewers\":0,\"watchTimeMillis\":0,\"averageWatchTimeMillis\":0,\"retention\":[],"
                + "\"asOf\":null}";
        assertThat(JSON.writeValueAsString(dashboards.audience("live_quiet")))
                .isEqualTo("{\"liveId\":\"live_quiet\",\"live\":" + mode + ",\"replay\":" + mode
                        + ",\"conversion\":{\"pageVisitors\":0,\"buyers\":0,\"basisPoints\":null}}");
        assertThat(JSON.writeValueAsString(dashboards.replay("live_quiet")))
                .isEqualTo(
                        "{\"liveId\":\"live_quiet\",\"status\":\"none\",\"detail\":\"packaged when the live ends\"}");
        assertThat(JSON.writeValueAsString(dashboards.summary("creator_quiet")))
                .isEqualTo("{\"creatorId\":\"creator_quiet\",\"lives\":0,\"currencies\":[]}");
    }
}
