package io.stagepass.platform.http;

/**
 * A request could not be served durably right now (Kafka has not acknowledged, Stripe's API is away): answered 503
 * with {@code Retry-After}, so the client sends it again. Nothing was kept that the client would not send again.
 */
public class ServiceUnavailableException extends RuntimeException {
    private final int retryAfterSeconds;

    public ServiceUnavailableException(String detail, int retryAfterSeconds, Throwable cause) {
        super(detail, cause);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
