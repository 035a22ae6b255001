package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

/** The {@code basic} view of one path: sizes, kinds and times, whose owners are never named (no request for names). */
final class BasicView implements BasicFileAttributeView, NamedAttributes {
    static final String NAME = "basic";
    static final List<String> ATTRIBUTES = List.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
            "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");

    private final ViewTarget target;

    BasicView(ViewTarget target) {
        this.target = target;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SandgateAttributes readAttributes() throws IOException {
        return target.attributes();
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
        if (lastModifiedTime == null && lastAccessTime == null) {
            return; // SFTP v3 has no creation time to set
        }
        if (lastModifiedTime == null || lastAccessTime == null) {
            SandgateAttributes current = readAttributes(); // v3 sets both times at once
            lastModifiedTime = lastModifiedTime == null ? current.lastModifiedTime() : lastModifiedTime;
            lastAccessTime = lastAccessTime == null ? current.lastAccessTime() : lastAccessTime;
        }
        target.setStat(new Attributes()
                .modifyTime(lastModifiedTime.to(TimeUnit.SECONDS), TimeUnit.SECONDS)
                .accessTime(lastAccessTime.to(TimeUnit.SECONDS), TimeUnit.SECONDS));
    }

    @Override
    public Map<String, Object> read(String names) throws IOException {
        List<String> wanted = RequestedAttributes.of(NAME, names, ATTRIBUTES);
        BasicFileAttributes values = readAttributes();
        return RequestedAttributes.values(wanted, attribute -> value(values, attribute));
    }

    @Override
    public void set(String name, Object value) throws IOException {
        if (!setTime(name, value)) {
            throw RequestedAttributes.notSettable(NAME, name);
        }
    }

    /** Sets the time {@code name} names; false, setting nothing, when it names no time. */
    boolean setTime(String name, Object value) throws IOException {
        switch (name) {
            case "lastModifiedTime":
                setTimes((FileTime) value, null, null);
                return true;
            case "lastAccessTime":
                setTimes(null, (FileTime) value, null);
                return true;
            case "creationTime":
                setTimes(null, null, (FileTime) value);
                return true;
            default:
                return false;
        }
    }

    static Object value(BasicFileAttributes values, String attribute) {
        switch (attribute) {
            case "lastModifiedTime": return values.lastModifiedTime();
            case "lastAccessTime": return values.lastAccessTime();
            case "creationTime": return values.creationTime();
            case "size": return values.size();
            case "isRegularFile": return values.isRegularFile();
            case "isDirectory": return values.isDirectory();
            case "isSymbolicLink": return values.isSymbolicLink();
            case "isOther": return values.isOther();
            case "fileKey": return values.fileKey();
            default: throw new IllegalArgumentException(attribute);
        }
    }
}
