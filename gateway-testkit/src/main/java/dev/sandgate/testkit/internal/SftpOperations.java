package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * What the hostile SFTP server does for each request: the session's real files, served faithfully (and only inside
 * the session's directory), with the plan's made-up entries and generated listings in their place, and the lies the
 * plan tells about data lengths and name counts. One per channel, used by its one thread.
 */
final class SftpOperations {
    static final int OPEN = 3;
    static final int CLOSE = 4;
    static final int READ = 5;
    static final int WRITE = 6;
    static final int LSTAT = 7;
    static final int FSTAT = 8;
    static final int SETSTAT = 9;
    static final int FSETSTAT = 10;
    static final int OPENDIR = 11;
    static final int READDIR = 12;
    static final int REMOVE = 13;
    static final int MKDIR = 14;
    static final int RMDIR = 15;
    static final int REALPATH = 16;
    static final int STAT = 17;
    static final int RENAME = 18;

    static final int EXTENDED = 200;

    static final int STATUS = 101;
    static final int HANDLE = 102;
    static final int DATA = 103;
    static final int NAME = 104;
    static final int ATTRS = 105;
    static final int EXTENDED_REPLY = 201;

    static final int FX_OK = 0;
    static final int FX_EOF = 1;
    static final int FX_NO_SUCH_FILE = 2;
    static final int FX_PERMISSION_DENIED = 3;
    static final int FX_FAILURE = 4;
    static final int FX_BAD_MESSAGE = 5;
    static final int FX_OP_UNSUPPORTED = 8;

    private static final int PF_READ = 0x1;
    private static final int PF_WRITE = 0x2;
    private static final int PF_APPEND = 0x4;
    private static final int PF_CREAT = 0x8;
    private static final int PF_TRUNC = 0x10;
    private static final int PF_EXCL = 0x20;

    /** Entries per READDIR answer, as OpenSSH's server sends. */
    private static final int BATCH = 100;
    /** Bytes that follow a lying DATA length. */
    private static final int LYING_DATA_BYTES = 8;

    /** A request that ends in a status other than OK. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final HostilePlan plan;
    private final SftpHandles handles;

    SftpOperations(HostilePlan plan, SftpHandles handles) {
        this.plan = plan;
        this.handles = handles;
    }

    /** Whether requests of this type name a path first (else a handle, or nothing known). */
    static boolean namesPath(int type) {
        switch (type) {
            case OPEN: case LSTAT: case SETSTAT: case OPENDIR: case REMOVE: case MKDIR: case RMDIR: case REALPATH:
            case STAT: case RENAME:
                return true;
            default:
                return false;
        }
    }

    static boolean namesHandle(int type) {
        return type == CLOSE || type == READ || type == WRITE || type == FSTAT || type == FSETSTAT || type == READDIR;
    }

    /** The normalised path a request is about, or null; reads only its first field. */
    String pathOf(int type, SftpPacketReader request) throws SftpPacketReader.Malformed {
        if (namesPath(type)) {
            return plan.normalize(request.readString());
        }
        if (namesHandle(type)) {
            return handles.pathOf(request.readString());
        }
        return null;
    }

    /** The answer to a request whose type and id were read already. */
    SftpPacketWriter answer(int type, long id, SftpPacketReader request) throws SftpPacketReader.Malformed {
        try {
            switch (type) {
                case OPEN: return open(id, request);
                case CLOSE: return close(id, request);
                case READ: return read(id, request);
                case WRITE: return write(id, request);
                case LSTAT: return stat(id, plan.normalize(request.readString()), false);
                case STAT: return stat(id, plan.normalize(request.readString()), true);
                case FSTAT: return fstat(id, request);
                case SETSTAT: return setstat(id, plan.normalize(request.readString()), request);
                case FSETSTAT: return setstat(id, handle(request).path, request);
                case OPENDIR: return opendir(id, request);
                case READDIR: return readdir(id, request);
                case REMOVE: return remove(id, request);
                case MKDIR: return mkdir(id, request);
                case RMDIR: return rmdir(id, request);
                case REALPATH: return realpath(id, request);
                case RENAME: return rename(id, request);
                case EXTENDED: return extended(id, request);
                default: return status(id, FX_OP_UNSUPPORTED, "unsupported request " + type);
            }
        } catch (Refused refused) {
            return status(id, refused.status, refused.getMessage());
        } catch (NoSuchFileException e) {
            return status(id, FX_NO_SUCH_FILE, "no such file");
        } catch (AccessDeniedException e) {
            return status(id, FX_PERMISSION_DENIED, "permission denied");
        } catch (FileAlreadyExistsException e) {
            return status(id, FX_FAILURE, "file exists");
        } catch (IOException e) {
            return status(id, FX_FAILURE, e.getClass().getSimpleName());
        }
    }

    /** Answers {@code limits@openssh.com} when the plan announced limits; every other extension is unsupported. */
    private SftpPacketWriter extended(long id, SftpPacketReader request) throws SftpPacketReader.Malformed {
        String name = request.readString();
        long[] limits = plan.limits();
        if (!HostilePlan.LIMITS.equals(name) || limits == null) {
            return status(id, FX_OP_UNSUPPORTED, "unsupported extension");
        }
        SftpPacketWriter reply = SftpPacketWriter.reply(EXTENDED_REPLY, id);
        for (long limit : limits) {
            reply.writeUint64(limit);
        }
        return reply;
    }

    static SftpPacketWriter status(long id, int code, String message) {
        return SftpPacketWriter.reply(STATUS, id).writeUint32(code).writeString(message).writeString("");
    }

    private SftpPacketWriter open(long id, SftpPacketReader request)
            throws SftpPacketReader.Malformed, Refused, IOException {
        String path = plan.normalize(request.readString());
        int flags = request.readInt();
        SftpAttributes attributes = SftpAttributes.read(request);
        boolean writes = (flags & (PF_WRITE | PF_APPEND | PF_CREAT | PF_TRUNC)) != 0;
        roomForAHandle();
        FakeEntry fake = plan.entry(path);
        if (fake != null) {
            if (fake.isDirectory()) {
                throw new Refused(FX_FAILURE, "is a directory");
            }
            if (writes) {
                throw new Refused(FX_PERMISSION_DENIED, "read-only");
            }
            return handle(id, new SftpHandles.Open(path, null, false, fake, null));
        }
        Path file = real(path);
        if (Files.isDirectory(file)) {
            throw new Refused(FX_FAILURE, "is a directory");
        }
        Set<OpenOption> options = new HashSet<>();
        if ((flags & PF_READ) != 0 || !writes) {
            options.add(StandardOpenOption.READ);
        }
        if (writes) {
            options.add(StandardOpenOption.WRITE);
        }
        if ((flags & PF_CREAT) != 0) {
            options.add((flags & PF_EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
        }
        if ((flags & PF_TRUNC) != 0) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        boolean created = (flags & PF_CREAT) != 0 && !Files.exists(file);
        FileChannel channel = (attributes.flags & SftpAttributes.PERMISSIONS) != 0 && created
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(
                        SftpAttributes.permissions(attributes.mode)))
                : FileChannel.open(file, options);
        return handle(id, new SftpHandles.Open(path, channel, (flags & PF_APPEND) != 0, null, null));
    }

    private SftpPacketWriter close(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        SftpHandles.Open open = handles.remove(request.readString());
        if (open == null) {
            throw new Refused(FX_FAILURE, "no such handle");
        }
        open.close();
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter read(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        SftpHandles.Open open = handle(request);
        long offset = request.readUint64();
        int length = (int) Math.min(request.readUint32(), plan.readLimit());
        if (open.listing != null) {
            throw new Refused(FX_FAILURE, "a directory's handle");
        }
        SftpFaultRule lie = plan.hit(SftpFaultRule.Kind.LYING_DATA_LENGTH, READ, open.path);
        if (lie != null) {
            SftpPacketWriter reply = SftpPacketWriter.reply(DATA, id).writeUint32(lie.length);
            byte[] few = new byte[LYING_DATA_BYTES];
            java.util.Arrays.fill(few, (byte) 'x');
            return reply.writeRaw(few, 0, few.length);
        }
        byte[] data = new byte[length];
        int count;
        if (open.fake != null) {
            count = open.fake.read(offset, data, 0, length);
        } else {
            count = readFully(open.file, ByteBuffer.wrap(data), offset);
        }
        if (count < 0 || length > 0 && count == 0) {
            return status(id, FX_EOF, "end of file");
        }
        return SftpPacketWriter.reply(DATA, id, count + 4).writeBytes(data, 0, count);
    }

    private static int readFully(FileChannel file, ByteBuffer target, long offset) throws IOException {
        int total = 0;
        while (target.hasRemaining()) {
            int count = file.read(target, offset + total);
            if (count < 0) {
                return total == 0 ? -1 : total;
            }
            total += count;
        }
        return total;
    }

    private SftpPacketWriter write(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        SftpHandles.Open open = handle(request);
        long offset = request.readUint64();
        byte[] data = request.readBytes();
        if (open.file == null) {
            throw new Refused(FX_PERMISSION_DENIED, "read-only");
        }
        ByteBuffer source = ByteBuffer.wrap(data);
        long at = open.append ? open.file.size() : offset;
        while (source.hasRemaining()) {
            at += open.file.write(source, at);
        }
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter stat(long id, String path, boolean followLinks) throws Refused, IOException {
        return SftpPacketWriter.reply(ATTRS, id).also(attributes(path, followLinks));
    }

    private SftpAttributes attributes(String path, boolean followLinks) throws Refused, IOException {
        FakeEntry fake = plan.entry(path);
        if (fake != null) {
            return fake.attributes();
        }
        Path file = real(path);
        if (plan.namesDirectory(path) && !Files.exists(file)) {
            return SftpAttributes.fake(SftpAttributes.TYPE_DIRECTORY | 0755, 4096);
        }
        return SftpAttributes.of(file, followLinks);
    }

    private SftpPacketWriter fstat(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        SftpHandles.Open open = handle(request);
        if (open.fake != null) {
            return SftpPacketWriter.reply(ATTRS, id).also(open.fake.attributes());
        }
        return stat(id, open.path, true);
    }

    private SftpPacketWriter setstat(long id, String path, SftpPacketReader request)
            throws SftpPacketReader.Malformed, Refused, IOException {
        SftpAttributes attributes = SftpAttributes.read(request);
        if (plan.entry(path) != null) {
            throw new Refused(FX_PERMISSION_DENIED, "read-only");
        }
        attributes.applyTo(real(path));
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter opendir(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        String path = plan.normalize(request.readString());
        roomForAHandle();
        FakeEntry fake = plan.entry(path);
        Path directory = null;
        if (fake != null) {
            if (!fake.isDirectory()) {
                throw new Refused(FX_FAILURE, "not a directory");
            }
        } else {
            Path file = real(path);
            if (Files.isDirectory(file)) {
                directory = file;
            } else if (!plan.namesDirectory(path) || Files.exists(file)) {
                throw notADirectory(file);
            }
        }
        DirectoryListing listing = new DirectoryListing(directory, plan.extras(path), plan.generatedCount(path));
        return handle(id, new SftpHandles.Open(path, null, false, null, listing));
    }

    private SftpPacketWriter readdir(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused {
        SftpHandles.Open open = handle(request);
        if (open.listing == null) {
            throw new Refused(FX_FAILURE, "not a directory's handle");
        }
        SftpFaultRule lie = plan.hit(SftpFaultRule.Kind.LYING_NAME_COUNT, READDIR, open.path);
        SftpPacketWriter reply = SftpPacketWriter.reply(NAME, id, 8192);
        int countAt = reply.reserve(4);
        int count = open.listing.nextBatch(reply, lie != null ? 1 : BATCH);
        if (count == 0 && lie == null) {
            return status(id, FX_EOF, "end of directory");
        }
        long claimed = lie != null ? lie.length : count;
        byte[] buffer = reply.buffer();
        buffer[countAt] = (byte) (claimed >>> 24);
        buffer[countAt + 1] = (byte) (claimed >>> 16);
        buffer[countAt + 2] = (byte) (claimed >>> 8);
        buffer[countAt + 3] = (byte) claimed;
        return reply;
    }

    private SftpPacketWriter remove(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        String path = plan.normalize(request.readString());
        Path file = realNotFake(path);
        if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(FX_FAILURE, "is a directory");
        }
        Files.delete(file);
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter mkdir(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        String path = plan.normalize(request.readString());
        SftpAttributes attributes = SftpAttributes.read(request);
        Path directory = realNotFake(path);
        if ((attributes.flags & SftpAttributes.PERMISSIONS) != 0) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    SftpAttributes.permissions(attributes.mode)));
        } else {
            Files.createDirectory(directory);
        }
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter rmdir(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        Path directory = realNotFake(plan.normalize(request.readString()));
        if (!Files.isDirectory(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw notADirectory(directory);
        }
        Files.delete(directory);
        return status(id, FX_OK, "");
    }

    private SftpPacketWriter realpath(long id, SftpPacketReader request) throws SftpPacketReader.Malformed {
        String path = plan.normalize(request.readString());
        SftpPacketWriter reply = SftpPacketWriter.reply(NAME, id).writeUint32(1).writeString(path).writeString(path);
        return reply.writeUint32(0);
    }

    private SftpPacketWriter rename(long id, SftpPacketReader request) throws SftpPacketReader.Malformed, Refused,
            IOException {
        Path from = realNotFake(plan.normalize(request.readString()));
        Path to = realNotFake(plan.normalize(request.readString()));
        if (Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // SFTP version 3 renames never replace
            throw new Refused(FX_FAILURE, "target exists");
        }
        Files.move(from, to);
        return status(id, FX_OK, "");
    }

    private static Refused notADirectory(Path file) {
        return Files.exists(file) ? new Refused(FX_FAILURE, "not a directory")
                : new Refused(FX_NO_SUCH_FILE, "no such file");
    }

    private SftpHandles.Open handle(SftpPacketReader request) throws SftpPacketReader.Malformed, Refused {
        SftpHandles.Open open = handles.get(request.readString());
        if (open == null) {
            throw new Refused(FX_FAILURE, "no such handle");
        }
        return open;
    }

    private SftpPacketWriter handle(long id, SftpHandles.Open open) {
        String handle = handles.add(open);
        return SftpPacketWriter.reply(HANDLE, id).writeString(handle);
    }

    private void roomForAHandle() throws Refused {
        if (handles.isFull()) {
            throw new Refused(FX_FAILURE, "too many open handles");
        }
    }

    private Path realNotFake(String path) throws Refused {
        if (plan.entry(path) != null) {
            throw new Refused(FX_PERMISSION_DENIED, "read-only");
        }
        return real(path);
    }

    /** The real file at a normalised path, which must be inside the session's directory. */
    private Path real(String path) throws Refused {
        if (!RemotePaths.isWithin(path, plan.home)) {
            throw new Refused(FX_PERMISSION_DENIED, "outside the session's directory");
        }
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new Refused(FX_NO_SUCH_FILE, "no such file");
        }
    }
}
