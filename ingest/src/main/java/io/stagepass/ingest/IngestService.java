package io.stagepass.ingest;

import io.stagepass.events.http.HttpServices;

/**
 * The HTTP edge through which everything enters Stagepass. This foundation serves its health route; HLS
 * segment ingest, viewer beacons and Stripe webhooks are added by their own capabilities.
 */
public final class IngestService {
    private IngestService() {
    }

    public static HttpServices.Running start(IngestConfig config) {
        return HttpServices.start("ingest", config.host(), config.port(), routes -> { });
    }
}
