package io.stagepass.replay;

import io.stagepass.platform.http.HttpServices;

/**
 * Creators' API and dashboards, ticket checkout, entitlement-gated replays and the export listing. This
 * foundation serves its health route; each capability adds its routes here.
 */
public final class ReplayApiService {
    private ReplayApiService() {}

    public static HttpServices.Running start(ReplayApiConfig config) {
        return HttpServices.start("replay-api", config.host(), config.port(), routes -> {});
    }
}
