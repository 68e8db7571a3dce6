package io.stagepass.pipeline.entitlements;

import io.stagepass.events.Entitlement;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.EntitlementReason;
import io.stagepass.events.Ids;
import io.stagepass.events.PaymentFact;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per ticket (keyed by Checkout Session id), the entitlement state machine: paid → granted; async payment failed
 * or expired → nothing; refunded in full → revoked; partial refund → still granted; dispute opened → revoked,
 * restored if won, final if lost. Emits only changes, so duplicates emit nothing; the state is a fold of flags, so
 * a refund that arrives before its completion still ends revoked. A ticket's state is kept for good: a refund or a
 * dispute can come months later.
 */
public final class EntitlementFunction extends KeyedProcessFunction<String, PaymentFact, Entitlement> {
    private transient ValueState<TicketState> ticket;

    @Override
    public void open(OpenContext context) {
        ticket = getRuntimeContext().getState(new ValueStateDescriptor<>("ticket", TicketState.class));
    }

    @Override
    public void processElement(PaymentFact fact, Context context, Collector<Entitlement> out) throws Exception {
        TicketState state = ticket.value();
        if (state == null) {
            state = new TicketState();
        }
        state.apply(fact);
        EntitlementEventType desired = state.desired();
        EntitlementReason reason = state.reason();
        // Emit when the entitlement or its reason changes (revoked for an open dispute, then for a lost one).
        if (desired != null
                && (!desired.name().equals(state.emitted) || !reason.name().equals(state.emittedReason))) {
            state.emitted = desired.name();
            state.emittedReason = reason.name();
            out.collect(Entitlement.newBuilder()
                    .setEventId(Ids.derivedEventId("entitlement", state.ticketId + "/" + desired + "/" + reason))
                    .setOccurredAt(fact.getOccurredAt())
                    .setType(desired)
                    .setLiveId(state.liveId)
                    .setTicketId(state.ticketId)
                    .setTier(state.tier)
                    .setBuyerEmail(state.buyerEmail)
                    .setReason(reason)
                    .setSourceStripeEventId(fact.getStripeEventId())
                    .build());
        }
        ticket.update(state);
    }
}
