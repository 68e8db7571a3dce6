package io.stagepass.pipeline.revenue;

import java.util.HashMap;
import java.util.Map;

/** What one minute of one live in one currency added up to, for all tiers and per tier. A Flink POJO. */
public class MinuteRevenue {
    public String creatorId;
    public long facts;
    public RevenueTotals all = new RevenueTotals();
    public HashMap<String, RevenueTotals> tiers = new HashMap<>();

    public MinuteRevenue() {}

    void merge(MinuteRevenue other) {
        creatorId = creatorId == null ? other.creatorId : creatorId;
        facts += other.facts;
        all.merge(other.all);
        for (Map.Entry<String, RevenueTotals> tier : other.tiers.entrySet()) {
            tiers.computeIfAbsent(tier.getKey(), t -> new RevenueTotals()).merge(tier.getValue());
        }
    }
}
