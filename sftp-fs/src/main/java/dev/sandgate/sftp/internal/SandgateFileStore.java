package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;

/** The session's disk, with its space from {@code statvfs@openssh.com} when the server offers it. */
final class SandgateFileStore extends FileStore {
    private final SandgateFileSystem fileSystem;
    private final SandgatePath root;

    SandgateFileStore(SandgateFileSystem fileSystem, SandgatePath root) {
        this.fileSystem = fileSystem;
        this.root = root;
    }

    private OpenSSHStatExtensionInfo statVfs() throws IOException {
        RemoteSftp sftp = fileSystem.sftp();
        if (!sftp.extensions().hasStatVfs()) {
            throw new FileSystemException(root.toString(), null,
                    "the SFTP server does not offer statvfs@openssh.com, so its space is unknown");
        }
        return sftp.statVfs(fileSystem.home());
    }

    @Override
    public String name() {
        return "sandgate:" + fileSystem.sessionId();
    }

    @Override
    public String type() {
        return "sftp";
    }

    @Override
    public boolean isReadOnly() {
        try {
            return fileSystem.sftp().extensions().hasStatVfs()
                    && (statVfs().f_flag & OpenSSHStatExtensionInfo.SSH_FXE_STATVFS_ST_RDONLY) != 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public long getTotalSpace() throws IOException {
        OpenSSHStatExtensionInfo info = statVfs();
        return info.f_blocks * info.f_frsize;
    }

    @Override
    public long getUsableSpace() throws IOException {
        OpenSSHStatExtensionInfo info = statVfs();
        return info.f_bavail * info.f_frsize;
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        OpenSSHStatExtensionInfo info = statVfs();
        return info.f_bfree * info.f_frsize;
    }

    @Override
    public long getBlockSize() throws IOException {
        return statVfs().f_frsize;
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return AttributeViews.supports(type);
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return AttributeViews.NAMES.contains(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return null;
    }

    @Override
    public Object getAttribute(String attribute) throws IOException {
        switch (attribute) {
            case "totalSpace": return getTotalSpace();
            case "usableSpace": return getUsableSpace();
            case "unallocatedSpace": return getUnallocatedSpace();
            default: throw new UnsupportedOperationException("the file store has no attribute '" + attribute + "'");
        }
    }

    @Override
    public String toString() {
        return name() + " (sftp)";
    }
}
