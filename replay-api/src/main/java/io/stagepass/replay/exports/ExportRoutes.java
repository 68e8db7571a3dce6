package io.stagepass.replay.exports;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.Analyst;
import io.stagepass.events.ApiKeys;
import io.stagepass.platform.http.ServiceUnavailableException;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.creators.CreatorAuth;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/exports?table=&from=&to=&limit=&cursor=}, for analysts ({@code Authorization: Bearer sak_...}, a key
 * from {@code stagepass analysts add}): the Parquet files of a lake table over a time range, with their sizes, row
 * counts and presigned URLs, a page at a time. See docs/analysts.md.
 */
public final class ExportRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ExportRoutes.class);

    private final KeyHashIndex<Analyst> analysts;
    private final TopicView view;
    private final LakeExports exports;
    private final Clock clock;

    public ExportRoutes(KeyHashIndex<Analyst> analysts, TopicView view, LakeExports exports, Clock clock) {
        this.analysts = analysts;
        this.view = view;
        this.exports = exports;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/exports", this::list);
    }

    private void list(Context ctx) {
        Analyst analyst = analyst(ctx);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ExportQuery query = ExportQuery.parse(
                ctx.queryParam("table"),
                ctx.queryParam("from"),
                ctx.queryParam("to"),
                ctx.queryParam("limit"),
                ctx.queryParam("cursor"),
                now);
        LakeExports.Page page;
        try {
            page = exports.page(query, now);
        } catch (IOException e) {
            LOG.warn("exports of {} for {}: {}", query.table().tableName(), analyst.getAnalystId(), e.getMessage());
            throw new ServiceUnavailableException("the lake cannot be listed right now: " + e.getMessage(), 5, e);
        }
        List<Map<String, Object>> files = new ArrayList<>();
        long bytes = 0;
        long rows = 0;
        for (LakeExports.ExportFile file : page.files()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", file.key());
            entry.put("date", file.date().toString());
            entry.put("hour", file.hour());
            entry.put("bytes", file.bytes());
            entry.put("rows", file.rows());
            entry.put("lastModified", file.lastModified().toString());
            entry.put("url", file.url());
            files.add(entry);
            bytes += file.bytes();
            rows += file.rows();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("table", query.table().tableName());
        body.put("topic", query.table().topicName());
        body.put("from", query.from().toString());
        body.put("to", query.to().toString());
        body.put("data", files);
        body.put("files", files.size());
        body.put("bytes", bytes);
        body.put("rows", rows);
        body.put("urlsExpireAt", page.urlsExpireAt().toString());
        String cursor = page.next() == null ? null : query.cursorAt(page.next());
        body.put("nextCursor", cursor);
        body.put(
                "next",
                cursor == null
                        ? null
                        : "/v1/exports?limit=" + query.limit() + "&cursor="
                                + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        ctx.json(body);
    }

    private Analyst analyst(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            throw new UnauthorizedResponse(
                    "an analyst key is required: Authorization: Bearer sak_... (stagepass analysts add)");
        }
        if (!header.startsWith("Bearer ")) {
            throw new UnauthorizedResponse("Authorization must be 'Bearer sak_...' (an analyst key)");
        }
        String key = header.substring("Bearer ".length()).trim();
        if (ApiKeys.wellFormed(key)) {
            throw new UnauthorizedResponse(
                    "that is a creator's API key: exports need an analyst key (stagepass analysts add)");
        }
        if (!ApiKeys.wellFormedAnalystKey(key)) {
            throw new UnauthorizedResponse("that is not a Stagepass analyst key (sak_ and 43 characters)");
        }
        String hash = ApiKeys.sha256(key);
        Optional<Analyst> analyst = CreatorAuth.knownSoon(view, analysts, () -> analysts.byKeyHash(hash));
        return analyst.orElseThrow(
                () -> new UnauthorizedResponse("the analyst key is not valid: mistyped, or revoked"));
    }
}
