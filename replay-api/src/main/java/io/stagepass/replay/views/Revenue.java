package io.stagepass.replay.views;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.Topic;

/** Each live's revenue, folded from its payment facts as they arrive ({@link LiveRevenue}). */
public final class Revenue extends PerLive<PaymentFact, LiveRevenue> {
    public static final String NAME = "revenue";

    public Revenue() {
        super(NAME, Topic.PAYMENTS);
    }

    @Override
    String liveId(PaymentFact fact) {
        return fact.getLiveId();
    }

    @Override
    LiveRevenue empty() {
        return new LiveRevenue();
    }

    @Override
    boolean add(LiveRevenue live, PaymentFact fact) {
        return live.add(fact);
    }
}
