package io.stagepass.ingest.rtmp;

import io.stagepass.events.Live;
import io.stagepass.ingest.health.HealthReporter;
import io.stagepass.ingest.hls.BodyTooLargeException;
import io.stagepass.ingest.hls.HlsFile;
import io.stagepass.ingest.hls.HlsIngest;
import io.stagepass.ingest.hls.SegmentSender;
import io.stagepass.ingest.hls.Spool;
import io.stagepass.ingest.hls.SpoolFullException;
import io.stagepass.ingest.lives.LiveCatalog;
import io.stagepass.ingest.stage.ProgramLine;
import io.stagepass.ingest.stage.Stage;
import io.stagepass.ingest.stage.StageDoor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an RTMP push joins the one path of every push: the stream key is checked against the lives catalog as for
 * HLS, the segments ingest cuts enter the same durable spool through {@link HlsIngest} (so reconnects, gaps, the
 * lifecycle, object keys and segment facts are the same), and the sender is woken for each.
 */
public final class RtmpIngest {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpIngest.class);
    private final LiveCatalog catalog;
    private final HlsIngest ingest;
    private final SegmentSender sender;
    private final Spool spool;
    private final HealthReporter reporter;
    private final Stage stage;
    private final StageDoor door;
    private final ProgramLine.Appearances appearances;

    public RtmpIngest(
            LiveCatalog catalog,
            HlsIngest ingest,
            SegmentSender sender,
            Spool spool,
            HealthReporter reporter,
            Stage stage,
            StageDoor door,
            ProgramLine.Appearances appearances) {
        this.catalog = catalog;
        this.ingest = ingest;
        this.sender = sender;
        this.spool = spool;
        this.reporter = reporter;
        this.stage = stage;
        this.door = door;
        this.appearances = appearances;
    }

    /**
     * The program line of one publishing connection: its segments pass through, or through the stage mixer while
     * guests are on stage, into the live's durable path.
     */
    ProgramLine line(String liveId, String protocol) {
        return new ProgramLine(
                liveId,
                stage,
                Clock.systemUTC(),
                (sequence, file, micros, stageSwitch) -> segment(liveId, protocol, sequence, file, micros, stageSwitch),
                () -> spool.scratch(liveId, "ts"),
                appearances);
    }

    /** The live a stream key publishes to; a refusal says why, without echoing the key. */
    Live authorize(String streamKey) throws Refusal {
        if (!HlsFile.isPlausibleStreamKey(streamKey)) {
            throw new Refusal("unknown stream key: copy the stream key from your live's settings");
        }
        Live live = catalog.byStreamKey(streamKey)
                .orElseThrow(() ->
                        new Refusal("unknown or revoked stream key: copy the current key from your live's settings"));
        if (ingest.hasEnded(live)) {
            throw new Refusal("live " + live.getLiveId() + " has ended; schedule a new live for a new stream");
        }
        return live;
    }

    /** Whether a stream key is a guest's stage key (an encoder joining a live's green room), not a creator's. */
    static boolean isGuestKey(String streamKey) {
        // a creator's key is StreamKeys.LENGTH characters of base64url (which may, rarely, begin so); a guest's is the
        // prefix and a sealed token, far longer (a truncated one is a guest's too, and is told so)
        return streamKey.startsWith(io.stagepass.events.StageKeys.PREFIX)
                && streamKey.length() != io.stagepass.events.StreamKeys.LENGTH;
    }

    /**
     * A guest's encoder enters the green room of the live its stage key names; the refusal says why (an expired or
     * forged key, a ticket that does not stand, the ticket already on the stage elsewhere, a full green room).
     */
    Stage.Guest admitGuest(String streamKey, Stage.GuestLink link) throws Refusal, InterruptedException {
        try {
            return door.encoder(streamKey, link);
        } catch (Stage.Refused refused) {
            throw new Refusal(refused.getMessage());
        }
    }

    /** The guest's encoder went away or stopped: off the stage, out of the green room. */
    void guestLeft(Stage.Guest guest) {
        stage.leave(guest);
    }

    /** What feeds this connection's frames to the guests' return feed. */
    ReturnTap returnTap(String liveId) {
        return new ReturnTap(liveId, stage.returnFeed(liveId));
    }

    /** The largest segment the spool takes ({@code STAGEPASS_INGEST_MAX_BODY}), as for an HLS PUT. */
    long maxSegmentBytes() {
        return ingest.maxBody();
    }

    Path scratch(String liveId) throws IOException {
        return spool.scratch(liveId, "ts");
    }

    /**
     * A program segment of this connection, numbered from 0 in each run as an encoder numbers its HLS segments; the
     * live's sequence it was stored as, or -1 when it was lost. A
     * segment the spool refuses (full, or larger than a segment may be) is lost, as a refused HLS PUT is: the live
     * goes on and the missing number becomes a gap when it ends.
     */
    long segment(String liveId, String protocol, long sequence, Path file, long durationMicros, boolean stageSwitch)
            throws Exception {
        HlsFile name = new HlsFile("rtmp" + sequence + ".ts", HlsFile.Kind.SEGMENT_TS, sequence);
        long stored;
        try {
            stored = ingest.acceptCutSegment(liveId, name, file, durationMicros, protocol, stageSwitch);
        } catch (SpoolFullException | BodyTooLargeException e) {
            LOG.error("live {}: segment {} of this connection is lost: {}", liveId, sequence, e.getMessage());
            return -1;
        }
        sender.nudge();
        return stored;
    }

    /** The publisher's media was refused (a codec browsers cannot play): the creator's stream health says why. */
    void refused(String liveId, String protocol, String reason) {
        ingest.health().refused(liveId, protocol, reason);
        reporter.nudge();
    }

    /** The publisher stopped (FCUnpublish, deleteStream): the live ends, as with an HLS #EXT-X-ENDLIST. */
    void ended(String liveId) throws IOException {
        ingest.endByEncoder(liveId);
        sender.nudge();
    }

    /** A publish that is refused, with the description the encoder shows. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }
}
