package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.List;

/** Copies between two sandgate file systems (two connections, perhaps two sessions): through this client. */
final class BetweenFileSystems {
    private BetweenFileSystems() {
    }

    static void copy(SandgatePath source, SandgatePath target, CopyOption... options) throws IOException {
        List<CopyOption> chosen = Arrays.asList(options);
        if (chosen.contains(StandardCopyOption.ATOMIC_MOVE)) {
            throw new UnsupportedOperationException("ATOMIC_MOVE is an option of move, not of copy");
        }
        LinkOption[] links = chosen.contains(LinkOption.NOFOLLOW_LINKS)
                ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
        PosixFileAttributes attributes = Files.readAttributes(source, PosixFileAttributes.class, links);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!chosen.contains(StandardCopyOption.REPLACE_EXISTING)) {
                throw SftpErrors.alreadyExists(target.toString());
            }
            Files.delete(target);
        }
        if (attributes.isSymbolicLink()) {
            Files.createSymbolicLink(target, target.getFileSystem().getPath(Files.readSymbolicLink(source).toString()));
            return;
        }
        if (attributes.isDirectory()) {
            Files.createDirectory(target);
        } else {
            try (SeekableByteChannel in = Files.newByteChannel(source, StandardOpenOption.READ);
                 SeekableByteChannel out = Files.newByteChannel(target, StandardOpenOption.WRITE,
                         StandardOpenOption.CREATE_NEW)) {
                CopyAndMove.transfer(in, out);
            }
        }
        if (chosen.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
            PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
            view.setPermissions(attributes.permissions());
            view.setTimes(attributes.lastModifiedTime(), attributes.lastAccessTime(), null);
        }
    }
}
