package io.stagepass.acceptance.cluster;

/** A scenario that could not go on: the cluster did not recover, or could not be put in the state it needs. */
final class ScenarioFailure extends RuntimeException {
    ScenarioFailure(String message) {
        super(message);
    }
}
