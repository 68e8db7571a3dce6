package io.stagepass.acceptance.client;

import java.io.IOException;

/**
 * A service answered that it could not take a request now (5xx, 409 or 429): its client sends it again, as an
 * encoder or a player does.
 */
public final class UnavailableException extends IOException {
    public UnavailableException(String message) {
        super(message);
    }
}
