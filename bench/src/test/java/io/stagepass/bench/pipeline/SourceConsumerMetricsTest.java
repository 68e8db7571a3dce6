package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records consumed by each job's sources, from the Kafka consumers' counts by "client|topic". */
class SourceConsumerMetricsTest {
    private static final List<String> JOBS = List.of("revenue", "audience");
    private static final Map<String, Long> EXPECTED = Map.of("revenue", 60L, "audience", 300L);
    private static final long TOTAL_EXPECTED = 360;

    @Test
    void eachClientCountsForTheJobWhoseNameItHolds() {
        SourceConsumerMetrics metrics = new SourceConsumerMetrics(JOBS, EXPECTED, TOTAL_EXPECTED);

        Map<String, Long> byJob = metrics.byJob(Map.of(
                "stagepass-revenue-0|stagepass_payments", 30L,
                "stagepass-revenue-1|stagepass_payments", 20L,
                "stagepass-audience-0|stagepass_viewer_beacons", 200L,
                "stagepass-audience-0|stagepass_payments", 40L));

        assertThat(byJob).containsOnly(Map.entry("revenue", 50L), Map.entry("audience", 240L));
        assertThat(metrics.attributed()).isTrue();
        assertThat(metrics.clients())
                .containsExactly("stagepass-audience-0", "stagepass-revenue-0", "stagepass-revenue-1");
    }

    @Test
    void aClientOfNoJobGivesEachJobItsShareOfTheTotalButNeverAllOfIt() {
        SourceConsumerMetrics metrics = new SourceConsumerMetrics(JOBS, EXPECTED, TOTAL_EXPECTED);

        Map<String, Long> byJob = metrics.byJob(
                Map.of("consumer-7|stagepass_viewer_beacons", 170L, "stagepass-revenue-0|stagepass_payments", 10L));

        // 180 of 360 records: half of what each job expects
        assertThat(byJob).containsOnly(Map.entry("revenue", 30L), Map.entry("audience", 150L));
        assertThat(metrics.attributed()).isFalse();
    }

    @Test
    void aJobIsDoneByShareOnlyWhenEverythingIsConsumed() {
        SourceConsumerMetrics metrics = new SourceConsumerMetrics(JOBS, EXPECTED, TOTAL_EXPECTED);

        assertThat(metrics.byJob(Map.of("consumer-7|stagepass_payments", 359L)))
                .containsOnly(Map.entry("revenue", 59L), Map.entry("audience", 299L));
        assertThat(metrics.byJob(Map.of("consumer-7|stagepass_payments", 360L)))
                .containsOnly(Map.entry("revenue", 60L), Map.entry("audience", 300L));
    }
}
