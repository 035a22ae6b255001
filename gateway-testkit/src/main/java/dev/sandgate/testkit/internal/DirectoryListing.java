package dev.sandgate.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * One open directory of the hostile server, read batch by batch: its real entries (with {@code .} and {@code ..},
 * as a real server sends them), then the made-up ones, then the generated ones, each produced only when a READDIR
 * asks, so a listing of millions (or without end) holds nothing in memory.
 */
final class DirectoryListing implements Closeable {
    private final DirectoryStream<Path> real;
    private final Iterator<Path> realEntries;
    private final Path realDirectory;
    private final List<FakeEntry> extras;
    private final long generated;
    private int dots;
    private int nextExtra;
    private long nextGenerated;

    /** @param realDirectory the real directory, or null for a made-up one */
    DirectoryListing(Path realDirectory, List<FakeEntry> extras, long generated) throws IOException {
        this.realDirectory = realDirectory;
        this.real = realDirectory == null ? null : Files.newDirectoryStream(realDirectory);
        this.realEntries = real == null ? null : real.iterator();
        this.dots = realDirectory == null ? 2 : 0;
        this.extras = extras;
        this.generated = generated;
    }

    /** Writes up to {@code max} entries (name, longname, attributes) into a NAME reply; returns how many. */
    int nextBatch(SftpPacketWriter reply, int max) {
        int count = 0;
        while (count < max) {
            if (dots < 2) {
                String name = dots == 0 ? "." : "..";
                Path path = dots == 0 ? realDirectory : realDirectory.getParent();
                dots++;
                if (writeReal(reply, name, path == null ? realDirectory : path)) {
                    count++;
                }
            } else if (realEntries != null && realEntries.hasNext()) {
                Path path = realEntries.next();
                if (writeReal(reply, path.getFileName().toString(), path)) {
                    count++;
                }
            } else if (nextExtra < extras.size()) {
                FakeEntry entry = extras.get(nextExtra++);
                write(reply, entry.name, entry.attributes());
                count++;
            } else if (nextGenerated < generated) {
                write(reply, HostilePlan.generatedName(nextGenerated++), SftpAttributes.fake(
                        SftpAttributes.TYPE_FILE | 0644, 0));
                count++;
            } else {
                break;
            }
        }
        return count;
    }

    private static boolean writeReal(SftpPacketWriter reply, String name, Path path) {
        try {
            write(reply, name, SftpAttributes.of(path, false));
            return true;
        } catch (IOException gone) {
            // removed since it was listed: a real server skips it too
            return false;
        }
    }

    private static void write(SftpPacketWriter reply, String name, SftpAttributes attributes) {
        reply.writeString(name).writeString(attributes.longName(name));
        attributes.writeTo(reply);
    }

    @Override
    public void close() throws IOException {
        if (real != null) {
            real.close();
        }
    }
}
