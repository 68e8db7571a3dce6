package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.facts.RevenueTotals;
import java.util.List;

/**
 * The creator's side: the dashboard's revenue route (with the creator's key) shows the live's revenue exactly, the
 * same total the pipeline was checked against. Prints where to sign in.
 */
record CreatorDashboard(ApiClient api, Sent sent) implements Check {
    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public CheckResult run() throws Exception {
        JsonNode answer = api.revenue(sent.apiKey(), sent.liveId());
        RevenueTotals shown =
                RevenueTotals.ofApi(answer.path("currencies").path(0).path("totals"));
        boolean same = shown.equals(sent.revenue());
        return CheckResult.of(
                name(),
                same,
                List.of(
                        String.format(
                                "Dashboard (replay API, for the creator): net %d %s cents, %d sold, %d refunded: %s",
                                shown.net(),
                                DemoTraffic.CURRENCY,
                                shown.sold(),
                                shown.refunded(),
                                same ? "the same as the pipeline's" : "NOT the pipeline's (" + answer + ")"),
                        "  sign in:                 " + api.links().login() + "   with the API key " + sent.apiKey(),
                        "  dashboard:               " + api.links().dashboard(sent.liveId())));
    }
}
