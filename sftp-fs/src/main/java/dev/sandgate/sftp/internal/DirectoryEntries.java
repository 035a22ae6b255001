package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * Lists directories, creates them and deletes their entries ({@code Files.newDirectoryStream},
 * {@code createDirectory}, {@code delete}). SFTP version 3 reports most of these failures as a bare "failure", so a
 * failed request looks at the paths afterwards to throw the exception the JDK would.
 */
final class DirectoryEntries {
    private final SandgateFileSystem fileSystem;

    DirectoryEntries(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    DirectoryStream<Path> newStream(SandgatePath directory, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        SandgateDirectoryStream stream = new SandgateDirectoryStream(openListing(directory), filter,
                fileSystem.resources());
        fileSystem.resources().add(stream);
        return stream;
    }

    /**
     * Opens a directory for listing, for a stream or a watch service; the caller closes it. A path that is not a
     * directory, or nothing, fails as the JDK's does (a watch key ends on {@link NoSuchFileException}).
     */
    DirectoryListing openListing(SandgatePath directory) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        try {
            return sftp.openListing(directory, fileSystem.options().maxDirectoryEntries());
        } catch (FileSystemException e) {
            // the answer alone does not tell: OpenSSH's sftp-server says "no such file" for a regular file too
            Attributes existing = sftp.statIfExists(directory, true);
            if (existing == null) {
                throw SftpErrors.noSuchFile(directory.toString(), e);
            }
            if (!new SandgateAttributes(existing).isDirectory()) {
                throw SftpErrors.notDirectory(directory.toString(), e);
            }
            throw e;
        }
    }

    /** Whether the directory has no entry but {@code .} and {@code ..}: one batch is enough to tell. */
    boolean isEmpty(SandgatePath directory) throws IOException {
        try (DirectoryListing listing = fileSystem.sftp().openListing(directory,
                fileSystem.options().maxDirectoryEntries())) {
            return listing.next() == null;
        }
    }

    void create(SandgatePath directory, FileAttribute<?>... attributes) throws IOException {
        Integer permissions = AttributeViews.creationMode(attributes);
        RemoteSftp sftp = fileSystem.sftp();
        try {
            sftp.mkdir(directory, permissions);
        } catch (FileSystemException e) {
            // MINA's server refuses a directory under a regular file as "permission denied": the parent tells
            if (sftp.lstatIfDecided(directory) != null) {
                throw SftpErrors.alreadyExists(directory.toString(), e);
            }
            throw explainMissingParent(directory, e);
        }
    }

    /** A failure to make {@code path} (a directory, a rename's target) explained by its parent, as the JDK's is. */
    IOException explainMissingParent(SandgatePath path, FileSystemException failure) throws IOException {
        SandgatePath parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Attributes parentAttributes = fileSystem.sftp().statIfExists(parent, true);
            if (parentAttributes == null) {
                return SftpErrors.noSuchFile(path.toString(), failure);
            }
            if (!new SandgateAttributes(parentAttributes).isDirectory()) {
                return SftpErrors.parentNotDirectory(path.toString(), failure);
            }
        }
        return failure;
    }

    /** Deletes a file, a link or an empty directory. */
    void delete(SandgatePath path) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        SandgateAttributes attributes = new SandgateAttributes(sftp.stat(path, false));
        if (!attributes.isDirectory()) {
            sftp.remove(path);
            return;
        }
        try {
            sftp.rmdir(path);
        } catch (AccessDeniedException | NoSuchFileException e) {
            throw e;
        } catch (FileSystemException e) {
            if (!isEmpty(path)) {
                throw SftpErrors.notEmpty(path.toString(), e);
            }
            throw e;
        }
    }
}
