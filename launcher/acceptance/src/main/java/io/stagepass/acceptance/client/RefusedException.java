package io.stagepass.acceptance.client;

/**
 * A service answered a request with a status that sending it again cannot change (a 4xx other than 409 and 429): the
 * request was wrong, or not allowed.
 */
public final class RefusedException extends RuntimeException {
    private final int status;
    private final String body;

    public RefusedException(String what, int status, String body) {
        super(what + " refused: " + status + " " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
