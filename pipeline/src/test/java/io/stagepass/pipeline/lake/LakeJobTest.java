package io.stagepass.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.SampleEvents;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.platform.config.Env;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The lake job's graph, built without running it: the uids its state is known by, whatever it reads and writes. */
class LakeJobTest {
    @Test
    void everyStageKeepsTheUidThatCheckpointsAndSavepointsKnowItsStateBy() {
        StreamGraph graph = PipelineJobs.streamGraph(
                StreamExecutionEnvironment.getExecutionEnvironment(),
                new LakeJob(),
                PipelineConfig.fromEnv(Env.of(Map.of())));

        assertThat(uids(graph))
                .as("a changed uid orphans that stage's state (offsets, ids seen, staged parts) in every checkpoint")
                .containsExactlyInAnyOrder(
                        "lake-source",
                        "lake-decode",
                        "lake-deadletter-sink",
                        "Sink Committer: lake-deadletter-sink",
                        "lake-encode",
                        "lake-dedupe",
                        "lake-sink",
                        "Sink Committer: lake-sink");
    }

    @Test
    void theTopologyTakesAnySourceAndSinkUnderTheSameUids() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<SpecificRecord> events = env.fromSequence(0, 1)
                .uid("test-source")
                .map(n ->
                        (SpecificRecord) SampleEvents.beacon("live_1", "s" + n).build())
                .returns(new GenericTypeInfo<>(SpecificRecord.class))
                .uid("test-events");

        LakeJob.defineWorkflow(events, new DiscardingSink<>());

        assertThat(uids(env.getStreamGraph()))
                .containsExactlyInAnyOrder("test-source", "test-events", "lake-encode", "lake-dedupe", "lake-sink");
    }

    private static List<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .toList();
    }
}
