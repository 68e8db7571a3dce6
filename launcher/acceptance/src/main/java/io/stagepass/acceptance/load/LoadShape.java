package io.stagepass.acceptance.load;

import java.time.Duration;

/**
 * How a load is shaped: the length of its live, its viewers and the beacons each sends every
 * {@link LoadTraffic#EVERY_SECONDS} s, the tickets bought per second, and one ticket in {@code refundEvery} refunded.
 */
public record LoadShape(
        Duration length, int viewers, int beaconsPerRequest, double ticketsPerSecond, int refundEvery) {}
