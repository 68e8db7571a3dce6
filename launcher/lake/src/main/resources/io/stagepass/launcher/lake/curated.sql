-- Stagepass curated tables: DuckDB views over the lake's topic views (payments, revenue, audience).
-- `stagepass lake` creates each one whose topics have files. Columns: docs/analysts.md. Money is integers in minor
-- units, with its ISO currency beside it.

-- needs: payments
-- One row per ticket (Stripe Checkout Session). Each Stripe event counts once, with the revenue job's rules
-- (RevenueDelta): a sale is a paid CHECKOUT_COMPLETED or an ASYNC_PAYMENT_SUCCEEDED; refunds and disputes as settled.
-- The entitlement follows the entitlements job's rules (TicketLedger), from the facts themselves, so the order they
-- arrived in does not matter.
create view tickets as
with facts as (
    select distinct on (stripeEventId) *,
        coalesce(settlementAmountMinor, amountMinor) as settled,
        (type = 'CHECKOUT_COMPLETED' and paid) or type = 'ASYNC_PAYMENT_SUCCEEDED' as sale
    from payments
),
per_ticket as (
    select
        ticketId as ticket_id,
        any_value(liveId) as live_id,
        any_value(creatorId) as creator_id,
        any_value(tier) as tier,
        any_value(buyerEmail) as buyer_email,
        any_value(currency) as currency,
        coalesce(bool_or(sale), false) as paid,
        min(occurredAt) filter (where sale) as paid_at,
        cast(coalesce(sum(amountMinor) filter (where sale), 0) as bigint) as amount_minor,
        coalesce(any_value(settlementCurrency), any_value(currency)) as settlement_currency,
        cast(coalesce(sum(coalesce(feeMinor, 0)) filter (where sale), 0) as bigint) as fee_minor,
        cast(coalesce(sum(settled) filter (where sale), 0) as bigint) as settled_amount_minor,
        cast(coalesce(sum(amountMinor) filter (where type = 'CHARGE_REFUNDED'), 0) as bigint) as refunded_minor,
        cast(coalesce(sum(settled) filter (where type = 'CHARGE_REFUNDED'), 0) as bigint) as settled_refunded_minor,
        coalesce(bool_or(type = 'CHARGE_REFUNDED' and fullyRefunded), false) as fully_refunded,
        cast(coalesce(sum(amountMinor) filter (where type = 'DISPUTE_OPENED'), 0)
            - coalesce(sum(amountMinor) filter (where type = 'DISPUTE_CLOSED'), 0) as bigint) as disputes_held_minor,
        cast(coalesce(sum(amountMinor) filter (where type = 'DISPUTE_CLOSED' and disputeOutcome = 'LOST'), 0)
            as bigint) as disputes_lost_minor,
        cast(coalesce(sum(amountMinor) filter (where type = 'DISPUTE_CLOSED' and disputeOutcome = 'WON'), 0)
            as bigint) as disputes_won_minor,
        cast(coalesce(sum(settled) filter (where type = 'DISPUTE_OPENED'), 0)
            - coalesce(sum(settled) filter (where type = 'DISPUTE_CLOSED'), 0) as bigint) as settled_disputes_held_minor,
        cast(coalesce(sum(settled) filter (where type = 'DISPUTE_CLOSED' and disputeOutcome = 'LOST'), 0)
            as bigint) as settled_disputes_lost_minor,
        case
            when not coalesce(bool_or(sale), false) then null
            when coalesce(bool_or(type = 'CHARGE_REFUNDED' and fullyRefunded), false) then 'REFUNDED'
            when coalesce(bool_or(type = 'DISPUTE_CLOSED' and disputeOutcome = 'LOST'), false) then 'DISPUTE_LOST'
            when coalesce(bool_or(type = 'DISPUTE_CLOSED'), false) then 'DISPUTE_WON'
            when coalesce(bool_or(type = 'DISPUTE_OPENED'), false) then 'DISPUTE_OPENED'
            else 'PAID'
        end as entitlement_reason
    from facts
    group by ticketId
)
select
    t.ticket_id, t.live_id, t.creator_id, t.tier, t.buyer_email, t.currency, t.paid, t.paid_at, t.amount_minor,
    t.settlement_currency, t.fee_minor, t.settled_amount_minor,
    t.settled_amount_minor - t.fee_minor - t.settled_refunded_minor - t.settled_disputes_held_minor
        - t.settled_disputes_lost_minor as net_minor,
    t.refunded_minor, t.settled_refunded_minor, t.fully_refunded, t.disputes_held_minor, t.disputes_lost_minor,
    t.disputes_won_minor,
    case when t.entitlement_reason in ('PAID', 'DISPUTE_WON') then 'GRANTED'
        when t.entitlement_reason is not null then 'REVOKED' end as entitlement,
    t.entitlement_reason
from per_ticket t;

-- needs: payments
-- One row per creator, live and settlement currency: what the creator is paid from the destination charges of
-- their tickets, with the Connect rules (Earnings): each fact carries Stripe's running totals for its charge
-- (transferred, reversed, platform fee and its refunds), so the highest of each per ticket is the ticket's total, in
-- whatever order the facts arrived. Charges that stayed in the platform's account are no creator's earnings.
create view creator_earnings as
with facts as (
    select distinct on (stripeEventId) *,
        coalesce(settlementAmountMinor, amountMinor) as settled,
        (type = 'CHECKOUT_COMPLETED' and paid) or type = 'ASYNC_PAYMENT_SUCCEEDED' as sale
    from payments
    where destinationAccountId is not null and creatorId is not null
),
per_ticket as (
    select
        ticketId,
        any_value(creatorId) as creator_id,
        any_value(liveId) as live_id,
        coalesce(any_value(settlementCurrency), any_value(currency)) as currency,
        any_value(destinationAccountId) as destination_account_id,
        coalesce(bool_or(sale), false) as sold,
        coalesce(sum(settled) filter (where sale), 0) as gross,
        coalesce(sum(feeMinor) filter (where sale), 0) as stripe_fee,
        coalesce(sum(settled) filter (where type = 'CHARGE_REFUNDED'), 0) as refunds,
        coalesce(sum(settled) filter (where type = 'DISPUTE_OPENED'), 0)
            - coalesce(sum(settled) filter (where type = 'DISPUTE_CLOSED'), 0)
            + coalesce(sum(settled) filter (where type = 'DISPUTE_CLOSED' and disputeOutcome = 'LOST'), 0) as disputes,
        coalesce(max(transferredTotalMinor), 0) as transferred,
        coalesce(max(reversedTotalMinor), 0) as reversed,
        coalesce(max(applicationFeeMinor), 0) - coalesce(max(applicationFeeRefundedTotalMinor), 0) as platform_fee
    from facts
    group by ticketId
)
select
    creator_id, live_id, currency, any_value(destination_account_id) as destination_account_id,
    cast(count(*) filter (where sold) as bigint) as tickets_sold,
    cast(sum(gross) as bigint) as gross_minor,
    cast(sum(refunds) as bigint) as refunds_minor,
    cast(sum(disputes) as bigint) as disputes_minor,
    cast(sum(platform_fee) as bigint) as platform_fees_minor,
    cast(sum(stripe_fee) as bigint) as stripe_fees_minor,
    cast(sum(transferred) as bigint) as transferred_minor,
    cast(sum(reversed) as bigint) as reversed_minor,
    cast(sum(transferred - reversed - platform_fee) as bigint) as earnings_minor
from per_ticket
group by creator_id, live_id, currency;

-- needs: payments
-- The platform's fees per settlement currency and creator (the operator's GET /v1/operator/fees): platform fees kept,
-- Stripe's processing fees the platform paid on the destination charges, and what remains.
create view platform_fees as
select
    currency, creator_id,
    cast(sum(gross_minor) as bigint) as gross_minor,
    cast(sum(platform_fees_minor) as bigint) as platform_fees_minor,
    cast(sum(stripe_fees_minor) as bigint) as stripe_fees_minor,
    cast(sum(platform_fees_minor) - sum(stripe_fees_minor) as bigint) as net_minor
from creator_earnings
group by currency, creator_id;

-- needs: revenue
-- The revenue job's running totals per live, currency and tier (tier NULL: all tiers), the latest of each. Every
-- counted fact adds to the "progress" below, so the greatest one is the latest record.
create view revenue_totals as
select
    liveId as live_id, creatorId as creator_id, currency, tier,
    coalesce(settlementCurrency, currency) as settlement_currency,
    grossMinor as gross_minor, feesMinor as fees_minor, refundsMinor as refunds_minor,
    disputesHeldMinor as disputes_held_minor, disputesLostMinor as disputes_lost_minor,
    disputesWonMinor as disputes_won_minor, netMinor as net_minor,
    ticketsSold as tickets_sold, ticketsRefunded as tickets_refunded, ticketsDisputed as tickets_disputed,
    occurredAt as updated_at
from revenue
where type = 'TOTAL'
qualify row_number() over (
    partition by liveId, currency, tier
    order by grossMinor + refundsMinor + disputesHeldMinor + 2 * (disputesLostMinor + disputesWonMinor)
        + ticketsSold + ticketsRefunded + ticketsDisputed desc, occurredAt desc) = 1;

-- needs: revenue
-- The revenue job's one-minute windows (by the facts' own time), the latest value of each.
create view revenue_by_minute as
select
    liveId as live_id, creatorId as creator_id, currency, tier, windowStart as minute, windowEnd as minute_end,
    coalesce(settlementCurrency, currency) as settlement_currency,
    grossMinor as gross_minor, feesMinor as fees_minor, refundsMinor as refunds_minor,
    disputesHeldMinor as disputes_held_minor, disputesLostMinor as disputes_lost_minor,
    disputesWonMinor as disputes_won_minor, netMinor as net_minor,
    ticketsSold as tickets_sold, ticketsRefunded as tickets_refunded, ticketsDisputed as tickets_disputed
from revenue
where type = 'WINDOW'
qualify row_number() over (
    partition by liveId, currency, tier, windowStart
    order by grossMinor + refundsMinor + disputesHeldMinor + 2 * (disputesLostMinor + disputesWonMinor)
        + ticketsSold + ticketsRefunded + ticketsDisputed desc, occurredAt desc) = 1;

-- needs: audience
-- One row per live: the audience job's latest totals, live, replay and ticket page side by side.
create view audience_by_live as
with totals as (
    select * from audience
    where type = 'TOTAL'
    qualify row_number() over (
        partition by liveId, mode
        order by "at" desc, coalesce(views, 0) + coalesce(watchTimeMillis, 0) + coalesce(pageVisitors, 0)
            + coalesce(buyers, 0) desc, occurredAt desc) = 1
)
select
    liveId as live_id,
    max(peakConcurrentViewers) filter (where mode = 'LIVE') as peak_concurrent_viewers,
    max(peakAt) filter (where mode = 'LIVE') as peak_at,
    max(views) filter (where mode = 'LIVE') as live_views,
    max(uniqueViewers) filter (where mode = 'LIVE') as live_unique_viewers,
    max(watchTimeMillis) filter (where mode = 'LIVE') as live_watch_time_ms,
    max(averageWatchTimeMillis) filter (where mode = 'LIVE') as live_average_watch_time_ms,
    max(views) filter (where mode = 'REPLAY') as replay_views,
    max(uniqueViewers) filter (where mode = 'REPLAY') as replay_unique_viewers,
    max(watchTimeMillis) filter (where mode = 'REPLAY') as replay_watch_time_ms,
    max(pageVisitors) filter (where mode = 'PAGE') as page_visitors,
    max(buyers) filter (where mode = 'PAGE') as buyers,
    cast(max(buyers) filter (where mode = 'PAGE') * 10000
        // nullif(max(pageVisitors) filter (where mode = 'PAGE'), 0) as integer) as conversion_basis_points
from totals
group by liveId;

-- needs: appearances segments
-- One row per guest's time on a live's stage (the replay's chapters, docs/stage.md): from the program segment where
-- the guest came on to the one where they left (NULL while still on), each fact once, with the seconds of stored
-- media before each: where the replay shows them.
create view stage_appearances as
with facts as (
    select distinct on (eventId) * from appearances
),
starts as (
    select liveId, guestId, ticketId, displayName, tier, layout, sequence as from_sequence, occurredAt as started_at
    from facts where type = 'STARTED'
),
ends as (
    select liveId, guestId, sequence as to_sequence, occurredAt as ended_at, reason from facts where type = 'ENDED'
),
paired as (
    select s.*, (select min(e.to_sequence) from ends e
                 where e.liveId = s.liveId and e.guestId = s.guestId and e.to_sequence > s.from_sequence) as to_sequence
    from starts s
),
stored as (
    select distinct on (liveId, sequence) liveId, sequence, durationMicros from segments where type = 'STORED'
)
select
    p.liveId as live_id,
    p.guestId as guest_id,
    p.ticketId as ticket_id,
    p.displayName as display_name,
    p.tier,
    p.layout,
    p.from_sequence,
    p.to_sequence,
    p.started_at,
    e.ended_at,
    e.reason as end_reason,
    coalesce((select sum(g.durationMicros) from stored g
              where g.liveId = p.liveId and g.sequence < p.from_sequence), 0) / 1e6 as start_seconds,
    case when p.to_sequence is null then null
         else coalesce((select sum(g.durationMicros) from stored g
                        where g.liveId = p.liveId and g.sequence < p.to_sequence), 0) / 1e6 end as end_seconds
from paired p
left join ends e on e.liveId = p.liveId and e.guestId = p.guestId and e.to_sequence = p.to_sequence
