package io.stagepass.ingest.rtmp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * The server side of RTMP's plain handshake: C0/C1 in, S0/S1/S2 out, C2 in. S1 carries zero version bytes, which
 * tells FFmpeg and librtmp (OBS) clients to skip the digest handshake; S2 echoes C1. Encrypted RTMP (RTMPE, version
 * 6) is refused; RTMPS is plain RTMP inside TLS.
 */
final class Handshake {
    static final int VERSION = 3;
    static final int SIZE = 1536;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    static void serve(InputStream in, OutputStream out) throws IOException, ProtocolException {
        DataInputStream data = new DataInputStream(in);
        int version = data.read();
        if (version < 0) {
            throw new java.io.EOFException("the peer closed the connection before the handshake");
        }
        if (version != VERSION) {
            throw new ProtocolException("handshake version " + version + " is not plain RTMP (3)");
        }
        byte[] c1 = new byte[SIZE];
        data.readFully(c1);
        byte[] s0s1s2 = new byte[1 + 2 * SIZE];
        s0s1s2[0] = VERSION;
        byte[] random = new byte[SIZE - 8];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, s0s1s2, 1 + 8, random.length); // S1: time 0, version 0, random
        System.arraycopy(c1, 0, s0s1s2, 1 + SIZE, SIZE); // S2: C1 echoed
        out.write(s0s1s2);
        out.flush();
        data.readFully(new byte[SIZE]); // C2: the client's echo of S1, which proves nothing we rely on
    }
}
