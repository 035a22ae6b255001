package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * {@code Files.copy} and {@code Files.move} within one sandgate file system: a copy on the server where it offers
 * {@code copy-data}, a move as one rename ({@code posix-rename@openssh.com} where a target is replaced).
 * {@link BetweenFileSystems} copies between two.
 */
final class CopyAndMove {
    private final SandgateFileSystem fileSystem;

    CopyAndMove(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    void copy(SandgatePath source, SandgatePath target, CopyOption... options) throws IOException {
        Set<CopyOption> chosen = Set.of(options);
        if (chosen.contains(StandardCopyOption.ATOMIC_MOVE)) {
            throw new UnsupportedOperationException("ATOMIC_MOVE is an option of move, not of copy");
        }
        RemoteSftp sftp = fileSystem.sftp();
        boolean followLinks = !chosen.contains(LinkOption.NOFOLLOW_LINKS);
        SandgateAttributes attributes = new SandgateAttributes(sftp.stat(source, followLinks));
        if (sameExistingFile(source, target)) {
            return;
        }
        makeRoomFor(target, chosen.contains(StandardCopyOption.REPLACE_EXISTING));
        if (attributes.isSymbolicLink()) {
            sftp.symlink(target, sftp.readLink(source));
            return;
        }
        if (attributes.isDirectory()) {
            fileSystem.directoryEntries().create(target);
        } else {
            copyContent(source, target, attributes.size());
        }
        if (chosen.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
            sftp.setStat(target, new Attributes().perms(attributes.mode())
                    .modifyTime(attributes.lastModifiedTime().to(TimeUnit.SECONDS), TimeUnit.SECONDS)
                    .accessTime(attributes.lastAccessTime().to(TimeUnit.SECONDS), TimeUnit.SECONDS));
        }
    }

    /** Copies bytes: on the server through {@code copy-data} when it offers it, else through this client's pipelines. */
    private void copyContent(SandgatePath source, SandgatePath target, long size) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        // MINA refuses copy-data of an empty file (nothing to copy)
        if (sftp.extensions().hasCopyData() && size > 0) {
            try (RemoteFile from = sftp.open(source, SftpConstants.SSH_FXF_READ, null);
                 RemoteFile to = sftp.open(target,
                         SftpConstants.SSH_FXF_WRITE | SftpConstants.SSH_FXF_CREAT | SftpConstants.SSH_FXF_TRUNC, null)) {
                from.copyTo(to, size);
            }
            return;
        }
        FileOpener opener = fileSystem.opener();
        Set<StandardOpenOption> writeOptions = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try (SeekableByteChannel in = opener.open(source, Set.of(StandardOpenOption.READ));
             SeekableByteChannel out = opener.open(target, writeOptions)) {
            transfer(in, out);
        }
    }

    /** Copies what is left of {@code in} to {@code out}, in large enough pieces to keep the pipelines full. */
    static void transfer(SeekableByteChannel in, SeekableByteChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        while (in.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }
    }

    /** Clears the target of a copy: refused without REPLACE_EXISTING, a non-empty directory is never removed. */
    private void makeRoomFor(SandgatePath target, boolean replace) throws IOException {
        Attributes existing = fileSystem.sftp().statIfExists(target, false);
        if (existing == null) {
            return;
        }
        if (!replace) {
            throw SftpErrors.alreadyExists(target.toString());
        }
        fileSystem.directoryEntries().delete(target);
    }

    void move(SandgatePath source, SandgatePath target, CopyOption... options) throws IOException {
        Set<CopyOption> chosen = Set.of(options);
        boolean atomic = chosen.contains(StandardCopyOption.ATOMIC_MOVE);
        boolean replace = chosen.contains(StandardCopyOption.REPLACE_EXISTING);
        RemoteSftp sftp = fileSystem.sftp();
        boolean posixRename = sftp.extensions().hasPosixRename();
        if (atomic) {
            if (!posixRename) {
                throw SftpErrors.noAtomicMove(source.toString(), target.toString(),
                        "the SFTP server does not offer posix-rename@openssh.com, so a move cannot be atomic");
            }
            sftp.rename(source, target, true); // replaces an existing target atomically, as rename(2) does
            return;
        }
        boolean sourceIsDirectory = new SandgateAttributes(sftp.stat(source, false)).isDirectory();
        if (sameExistingFile(source, target)) {
            return;
        }
        Attributes existing = sftp.statIfExists(target, false);
        if (existing != null) {
            if (!replace) {
                throw SftpErrors.alreadyExists(target.toString());
            }
            boolean targetIsDirectory = new SandgateAttributes(existing).isDirectory();
            if (targetIsDirectory && !fileSystem.directoryEntries().isEmpty(target)) {
                throw SftpErrors.notEmpty(target.toString());
            }
            // rename(2) replaces a file with a file and a directory with an empty one; across kinds it refuses
            if (posixRename && targetIsDirectory == sourceIsDirectory) {
                sftp.rename(source, target, true);
                return;
            }
            fileSystem.directoryEntries().delete(target);
        }
        try {
            sftp.rename(source, target, false);
        } catch (FileSystemException e) {
            if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
                throw e;
            }
            throw fileSystem.directoryEntries().explainMissingParent(target, e);
        }
    }

    /** Whether a copy or move would be onto its own source; false when the target does not exist. */
    private boolean sameExistingFile(SandgatePath source, SandgatePath target) throws IOException {
        return fileSystem.sftp().statIfExists(target, false) != null
                && fileSystem.realPaths().isSameFile(source, target);
    }
}
