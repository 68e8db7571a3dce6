package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TopicTest {

    @ParameterizedTest
    @EnumSource(Topic.class)
    void everyEventHasAnIdATypeATimeAndASchemaVersion(Topic topic) {
        Schema schema = SpecificData.get().getSchema(topic.valueType());

        assertThat(schema.getField("eventId").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(schema.getField("type").schema().getType()).isEqualTo(Schema.Type.ENUM);
        assertThat(schema.getField("occurredAt").schema().getLogicalType().getName())
                .isEqualTo("timestamp-millis");
        assertThat((Integer) schema.getField("schemaVersion").defaultVal()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void everyEarlierSchemaVersionIsKeptAndStaysReadable(Topic topic) {
        Schema schema = SpecificData.get().getSchema(topic.valueType());
        int version = (Integer) schema.getField("schemaVersion").defaultVal();

        List<Schema> older = EventCodec.history(topic.valueType(), schema);
        assertThat(older).hasSize(version - 1);
        for (Schema earlier : older) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(schema, earlier)
                            .getType())
                    .as(
                            "%s reads what %s version %s wrote",
                            schema.getName(),
                            earlier.getName(),
                            earlier.getField("schemaVersion").defaultVal())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void moneyIsNeverFloatingPoint(Topic topic) {
        Schema schema = SpecificData.get().getSchema(topic.valueType());

        for (Schema.Field field : schema.getFields()) {
            Schema type = field.schema().isUnion() ? field.schema().getTypes().get(1) : field.schema();
            assertThat(type.getType()).as(field.name()).isNotIn(Schema.Type.FLOAT, Schema.Type.DOUBLE);
            if (field.name().endsWith("Minor")) {
                assertThat(type.getType()).as(field.name()).isEqualTo(Schema.Type.LONG);
            }
        }
    }

    @Test
    void catalogAndMetricTopicsAreCompactedAndFactsAreRetained() {
        for (Topic topic : Topic.values()) {
            boolean compacted = topic.topicName().startsWith("stagepass.catalog.")
                    || topic == Topic.REVENUE_METRICS
                    || topic == Topic.AUDIENCE_METRICS;
            assertThat(topic.configs().get("cleanup.policy"))
                    .as(topic.topicName())
                    .isEqualTo(compacted ? "compact" : "delete");
        }
        assertThat(Topic.PAYMENTS.configs()).containsEntry("retention.ms", "-1");
        assertThat(Topic.BEACONS.configs()).containsEntry("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
    }

    @Test
    void namesAreUniqueAndFoundByName() {
        assertThat(Arrays.stream(Topic.values())
                        .map(Topic::topicName)
                        .distinct()
                        .count())
                .isEqualTo(Topic.values().length);
        assertThat(Topic.byName("stagepass.payments")).contains(Topic.PAYMENTS);
        assertThat(Topic.byName("nope")).isEmpty();
        assertThat(Arrays.stream(Topic.values())
                        .map(Topic::tableName)
                        .distinct()
                        .count())
                .isEqualTo(Topic.values().length);
        assertThat(Topic.byTable("topic_activity")).contains(Topic.TOPIC_ACTIVITY);
        assertThat(Topic.byTable("analysts")).contains(Topic.ANALYSTS);
        assertThat(Topic.byTable("stagepass.payments")).isEmpty();
    }
}
