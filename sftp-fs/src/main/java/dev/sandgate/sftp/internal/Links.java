package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;

/** Makes and reads links: {@code Files.createSymbolicLink}, {@code createLink} and {@code readSymbolicLink}. */
final class Links {
    private final SandgateFileSystem fileSystem;

    Links(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    void createSymbolicLink(SandgatePath link, String target, FileAttribute<?>... attributes) throws IOException {
        if (attributes.length > 0) {
            throw new UnsupportedOperationException("attributes cannot be given to a symbolic link");
        }
        refuseExisting(link);
        fileSystem.sftp().symlink(link, target);
    }

    void createLink(SandgatePath link, SandgatePath existing) throws IOException {
        refuseExisting(link);
        fileSystem.sftp().hardLink(link, existing);
    }

    /** Something already at the link's path is refused before the request, with the exception the JDK throws. */
    private void refuseExisting(SandgatePath link) throws IOException {
        if (fileSystem.sftp().statIfExists(link, false) != null) {
            throw SftpErrors.alreadyExists(link.toString());
        }
    }

    Path readSymbolicLink(SandgatePath link) throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        SandgateAttributes attributes = new SandgateAttributes(sftp.stat(link, false));
        if (!attributes.isSymbolicLink()) {
            throw SftpErrors.notLink(link.toString());
        }
        return fileSystem.getPath(sftp.readLink(link));
    }
}
