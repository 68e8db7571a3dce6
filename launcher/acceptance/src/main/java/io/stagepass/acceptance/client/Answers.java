package io.stagepass.acceptance.client;

import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * How a client reads an answer: 2xx done; a 4xx other than 409 and 429 refused for good ({@link RefusedException});
 * anything else, like a connection refused or reset, worth sending again ({@link UnavailableException}, an
 * {@link IOException}).
 */
final class Answers {
    private Answers() {}

    /** The answer if it is 2xx; {@code where} names the service in the error otherwise. */
    static <T> HttpResponse<T> successful(String what, String where, HttpResponse<T> answer) throws IOException {
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return answer;
        }
        String body = answer.body() instanceof String text ? text : "";
        if (status / 100 == 4 && status != 409 && status != 429) {
            throw new RefusedException(what, status, body);
        }
        throw new UnavailableException(where + " answered " + status);
    }

    /** Whether sending the request again may help. */
    static boolean retriable(Exception error) {
        return error instanceof IOException;
    }
}
