package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Opens files for {@code Files.newByteChannel}, {@code newInputStream} and {@code newOutputStream}: one SFTP open,
 * the channel registered with the file system until it closes. SFTP version 3 reports most failed opens as a bare
 * "failure", so a failed open looks at the path afterwards to throw the exception the JDK would.
 */
final class FileOpener {
    private final SandgateFileSystem fileSystem;

    FileOpener(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    SandgateFileChannel open(SandgatePath path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        OpenOptions open = OpenOptions.of(options);
        Integer permissions = AttributeViews.creationMode(attributes);
        RemoteSftp sftp = fileSystem.sftp();
        if (open.noFollowLinks() && !open.createNew()) {
            Attributes existing = sftp.statIfExists(path, false);
            if (existing != null && new SandgateAttributes(existing).isSymbolicLink()) {
                throw SftpErrors.linkWhereNoneMayBe(path.toString());
            }
        }
        RemoteFile file;
        try {
            file = sftp.open(path, open.sftpFlags(), open.create() ? permissions : null);
        } catch (FileSystemException e) {
            throw explainOpenFailure(path, open.createNew(), e);
        }
        try {
            // no stat on a plain open: a small-file copy would pay a round trip per file for it; reading a directory
            // fails at the first read, as on Linux
            long position = open.append() ? file.stat().getSize() : 0;
            SandgateFileChannel[] created = new SandgateFileChannel[1];
            created[0] = new SandgateFileChannel(file, open, position, fileSystem.options().requestSize(),
                    fileSystem.options().requestsInFlight(), () -> reopenForReading(path),
                    () -> closed(created[0], path, open.deleteOnClose()));
            fileSystem.resources().add(created[0]);
            return created[0];
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The file opened again, only to read, on the file system's current channel: how a read-only channel goes on
     * after its connection reconnected. A file that is gone by then fails as any open does.
     */
    private RemoteFile reopenForReading(SandgatePath path) throws IOException {
        return fileSystem.sftp().open(path, SftpConstants.SSH_FXF_READ, null);
    }

    private void closed(SandgateFileChannel channel, SandgatePath path, boolean deleteOnClose) {
        fileSystem.resources().remove(channel);
        if (deleteOnClose) {
            try {
                fileSystem.sftp().remove(path);
            } catch (IOException | RuntimeException ignored) {
                // best effort, as the JDK's DELETE_ON_CLOSE
            }
        }
    }

    private IOException explainOpenFailure(SandgatePath path, boolean exclusive, FileSystemException failure)
            throws IOException {
        if (failure instanceof AccessDeniedException) {
            return failure;
        }
        RemoteSftp sftp = fileSystem.sftp();
        Attributes existing = sftp.lstatIfDecided(path);
        if (existing != null) {
            if (exclusive) {
                return SftpErrors.alreadyExists(path.toString(), failure);
            }
            if (new SandgateAttributes(existing).isDirectory()) {
                return SftpErrors.isDirectory(path.toString(), failure);
            }
            return failure;
        }
        SandgatePath parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Attributes parentAttributes = sftp.statIfExists(parent, true);
            if (parentAttributes != null && !new SandgateAttributes(parentAttributes).isDirectory()) {
                return SftpErrors.parentNotDirectory(path.toString(), failure);
            }
        }
        return SftpErrors.noSuchFile(path.toString(), failure);
    }
}
