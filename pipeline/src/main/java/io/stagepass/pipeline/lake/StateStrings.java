package io.stagepass.pipeline.lake;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Lists of strings in the lake sink's checkpointed state and commits: a count, then each one. */
final class StateStrings {
    private StateStrings() {}

    static void write(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String string : strings) {
            out.writeUTF(string);
        }
    }

    static List<String> read(DataInputStream in) throws IOException {
        List<String> strings = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            strings.add(in.readUTF());
        }
        return strings;
    }
}
