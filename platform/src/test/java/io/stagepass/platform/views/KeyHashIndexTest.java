package io.stagepass.platform.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Analyst;
import io.stagepass.events.AnalystEventType;
import io.stagepass.events.Creator;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import org.junit.jupiter.api.Test;

class KeyHashIndexTest {
    private static final String KEY_A = "a".repeat(64);
    private static final String KEY_B = "b".repeat(64);

    private final KeyHashIndex<Creator> creators =
            new KeyHashIndex<>("creators", Topic.CREATORS, Creator::getApiKeySha256);

    private static Creator creator(String id, String keyHash) {
        return SampleEvents.creator(id).setApiKeySha256(keyHash).build();
    }

    @Test
    void anEntityIsFoundByItsCurrentKeyOnlyAndARotatedKeyFindsNobody() {
        assertThat(creators.put("creator_1", creator("creator_1", KEY_A))).hasValue("creator_1");
        assertThat(creators.byKeyHash(KEY_A))
                .hasValueSatisfying(c -> assertThat(c.getCreatorId()).isEqualTo("creator_1"));

        creators.put("creator_1", creator("creator_1", KEY_B));

        assertThat(creators.byKeyHash(KEY_A)).as("the rotated key").isEmpty();
        assertThat(creators.byKeyHash(KEY_B)).isPresent();
        assertThat(creators.byId("creator_1").orElseThrow().getApiKeySha256()).isEqualTo(KEY_B);
        assertThat(creators.size()).isEqualTo(1);
    }

    @Test
    void aDeletedEntityIsFoundNeitherByIdNorByItsKey() {
        creators.put("creator_1", creator("creator_1", KEY_A));

        assertThat(creators.remove("creator_1")).hasValue("creator_1");

        assertThat(creators.byId("creator_1")).isEmpty();
        assertThat(creators.byKeyHash(KEY_A)).isEmpty();
        assertThat(creators.remove("creator_1")).as("nothing left to remove").isEmpty();
    }

    @Test
    void anEntityWithoutAKeyIsFoundByIdOnly() {
        KeyHashIndex<Analyst> analysts = new KeyHashIndex<>("analysts", Topic.ANALYSTS, Analyst::getApiKeySha256);
        analysts.put(
                "analyst_1",
                SampleEvents.analyst("analyst_1").setApiKeySha256(KEY_A).build());

        analysts.put(
                "analyst_1",
                SampleEvents.analyst("analyst_1")
                        .setType(AnalystEventType.REVOKED)
                        .setApiKeySha256(null)
                        .build());

        assertThat(analysts.byKeyHash(KEY_A)).as("the revoked key").isEmpty();
        assertThat(analysts.byId("analyst_1")).isPresent();
    }

    @Test
    void anEntityLettingGoOfAKeyDoesNotTakeItFromItsNewHolder() {
        creators.put("creator_1", creator("creator_1", KEY_A));
        creators.put("creator_2", creator("creator_2", KEY_A));

        creators.put("creator_1", creator("creator_1", KEY_B));
        creators.remove("creator_1");

        assertThat(creators.byKeyHash(KEY_A))
                .hasValueSatisfying(c -> assertThat(c.getCreatorId()).isEqualTo("creator_2"));
    }
}
