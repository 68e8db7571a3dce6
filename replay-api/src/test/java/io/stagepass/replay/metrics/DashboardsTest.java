package io.stagepass.replay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.events.SampleEvents;
import io.stagepass.replay.views.Audience;
import io.stagepass.replay.views.Health;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Replays;
import io.stagepass.replay.views.Revenue;
import org.junit.jupiter.api.Test;

class DashboardsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Lives lives = new Lives();
    private final Revenue revenue = new Revenue();
    private final Audience audience = new Audience();
    private final Dashboards dashboards = new Dashboards(
            lives, new Replays(), revenue, audience, new Health(), live -> live.equals("live_1") ? 3 : 0);

    @Test
    void aLiveWithNoPaymentsNoAudienceAndNoReplayAnswersEmptyNumbers() throws Exception {
        assertThat(JSON.writeValueAsString(dashboards.revenue("live_quiet")))
                .isEqualTo("{\"liveId\":\"live_quiet\",\"lastPaymentAt\":null,\"note\":\"gross, refunds and disputes"
                        + " in each charge currency; fees and net in the settlement currency\",\"currencies\":[]}");
        String mode = "{\"concurrency\":[],\"current\":0,\"peak\":{\"viewers\":0,\"at\":null},\"views\":0,"
                + "\"uniqueViewers\":0,\"watchTimeMillis\":0,\"averageWatchTimeMillis\":0,\"retention\":[],"
                + "\"quality\":{\"firstFrames\":0,\"averageStartupMillis\":null,\"rebuffers\":0,"
                + "\"rebufferMillis\":0,\"rebufferBasisPoints\":null,\"playbackFailures\":0,"
                + "\"exitsBeforeFirstFrame\":0,\"failures\":[],\"renditions\":[]},"
                + "\"asOf\":null}";
        assertThat(JSON.writeValueAsString(dashboards.audience("live_quiet")))
                .isEqualTo("{\"liveId\":\"live_quiet\",\"watchingNow\":0,\"live\":" + mode + ",\"replay\":" + mode
                        + ",\"conversion\":{\"pageVisitors\":0,\"buyers\":0,\"basisPoints\":null}}");
        assertThat(JSON.writeValueAsString(dashboards.replay("live_quiet")))
                .isEqualTo(
                        "{\"liveId\":\"live_quiet\",\"status\":\"none\",\"detail\":\"packaged when the live ends\"}");
        assertThat(JSON.writeValueAsString(dashboards.summary("creator_quiet")))
                .isEqualTo("{\"creatorId\":\"creator_quiet\",\"lives\":0,\"currencies\":[]}");

        assertThat(revenue.of("live_quiet")).as("reading made no revenue").isEmpty();
        assertThat(audience.of("live_quiet")).as("reading made no audience").isEmpty();
        assertThat(dashboards.audience("live_1").get("watchingNow"))
                .as("watching now is the screens holding a lease, whatever the audience job has published")
                .isEqualTo(3);
    }

    @Test
    void aCreatorsLiveWithNoPaymentsCountsInTheSummaryWithNoCurrency() throws Exception {
        lives.put("live_quiet", SampleEvents.live("live_quiet", "creator_quiet").build());

        assertThat(JSON.writeValueAsString(dashboards.summary("creator_quiet")))
                .isEqualTo("{\"creatorId\":\"creator_quiet\",\"lives\":1,\"currencies\":[]}");
        assertThat(revenue.of("live_quiet")).isEmpty();
    }
}
