package io.stagepass.acceptance.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One event as a player page reports it to ingest's beacon endpoint (see docs/ingest.md): {@code id} makes a resent
 * report the same fact; null fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BeaconReport(String type, String sessionId, String mode, long positionMs, String id) {
    public static BeaconReport of(String type, String sessionId, String mode, long positionMs) {
        return new BeaconReport(type, sessionId, mode, positionMs, null);
    }

    public BeaconReport withId(String id) {
        return new BeaconReport(type, sessionId, mode, positionMs, id);
    }
}
