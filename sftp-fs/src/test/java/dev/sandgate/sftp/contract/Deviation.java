package dev.sandgate.sftp.contract;

/** A documented way a file system under test differs from the JDK's default one (see docs/nio-deviations.md). */
public enum Deviation {
    /** SFTP v3 carries whole seconds: a time set with milliseconds reads back truncated to the second. */
    TIMES_IN_WHOLE_SECONDS,
    /** SFTP v3 has no creation time: creationTime() is lastModifiedTime(). */
    NO_CREATION_TIME,
    /** SFTP v3 has no inode: fileKey() is null. */
    NO_FILE_KEY,
    /**
     * SFTP v3 names owners by number: without {@code users-groups-by-id@openssh.com} (MINA's server, OpenSSH before
     * 9.1) getOwner() is the uid in decimal and the group the gid. OpenSSH 9.1 and later name them.
     */
    NUMERIC_OWNERS,
    /** SFTP v3 has no locks: FileChannel.lock and tryLock throw UnsupportedOperationException. */
    NO_FILE_LOCKS,
    /** A remote file cannot be mapped: FileChannel.map throws UnsupportedOperationException. */
    NO_MEMORY_MAPPING,
    /**
     * Disk space comes from {@code statvfs@openssh.com}: a server without it (MINA's) answers getTotalSpace and the
     * like with a FileSystemException that says so. OpenSSH offers it.
     */
    SPACE_NEEDS_STATVFS,
    /** toUri() of a directory has no trailing slash: telling would cost a round trip. */
    DIRECTORY_URI_WITHOUT_SLASH,
    /** SFTP v3 has no lsetstat: changing a link's own attributes (NOFOLLOW_LINKS) throws a FileSystemException. */
    NO_LINK_ATTRIBUTE_CHANGES,
    /** SFTP v3 has no hard links; without hardlink@openssh.com (MINA's server) createLink is unsupported. */
    NO_HARD_LINKS
}
