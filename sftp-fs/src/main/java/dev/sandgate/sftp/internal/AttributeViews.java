package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * The one place a path's attribute view is chosen: by type ({@code Files.getFileAttributeView},
 * {@code Files.readAttributes(path, PosixFileAttributes.class)}) or by the name before the colon of a string form
 * ({@code "posix:permissions,size"}; none is {@code "basic"}). An unknown view is refused as the JDK refuses it.
 */
final class AttributeViews {
    static final Set<String> NAMES = Set.of(BasicView.NAME, PosixView.NAME, OwnerView.NAME);
    private static final Map<Class<?>, String> BY_TYPE = Map.of(BasicFileAttributeView.class, BasicView.NAME,
            PosixFileAttributeView.class, PosixView.NAME, FileOwnerAttributeView.class, OwnerView.NAME);

    private AttributeViews() {
    }

    static boolean supports(Class<? extends FileAttributeView> type) {
        return BY_TYPE.containsKey(type);
    }

    /** The view of that type, or null for a type no sandgate path has (as {@code Files.getFileAttributeView} says). */
    static FileAttributeView ofType(Class<? extends FileAttributeView> type, SandgatePath path, boolean followLinks) {
        String name = BY_TYPE.get(type);
        return name == null ? null : named(name, path, followLinks);
    }

    /** {@code Files.readAttributes(path, type)}: basic or posix attributes. */
    static BasicFileAttributes attributes(Class<?> type, SandgatePath path, boolean followLinks) throws IOException {
        if (type == BasicFileAttributes.class) {
            return new BasicView(new ViewTarget(path, followLinks)).readAttributes();
        }
        if (type == PosixFileAttributes.class) {
            return new PosixView(new ViewTarget(path, followLinks)).readAttributes();
        }
        throw new UnsupportedOperationException("attributes of type " + type.getName() + " are not supported");
    }

    /** {@code Files.readAttributes(path, "view:a,b")}. */
    static Map<String, Object> read(SandgatePath path, String attributes, boolean followLinks) throws IOException {
        return named(viewOf(attributes), path, followLinks).read(afterView(attributes));
    }

    /** {@code Files.setAttribute(path, "view:attribute", value)}. */
    static void set(SandgatePath path, String attribute, Object value, boolean followLinks) throws IOException {
        named(viewOf(attribute), path, followLinks).set(afterView(attribute), value);
    }

    private static NamedAttributes named(String view, SandgatePath path, boolean followLinks) {
        ViewTarget target = new ViewTarget(path, followLinks);
        switch (view) {
            case BasicView.NAME: return new BasicView(target);
            case PosixView.NAME: return new PosixView(target);
            case OwnerView.NAME: return new OwnerView(target);
            default: throw new UnsupportedOperationException("the attribute view '" + view + "' is not supported;"
                    + " the views are " + NAMES);
        }
    }

    private static String viewOf(String attributes) {
        int colon = attributes.indexOf(':');
        return colon < 0 ? BasicView.NAME : attributes.substring(0, colon);
    }

    private static String afterView(String attributes) {
        return attributes.substring(attributes.indexOf(':') + 1);
    }

    /**
     * The permissions given to a file or directory as it is created ({@code Files.createFile(path, attributes)}), as
     * a mode, or null for none given; only {@code posix:permissions} (or {@code unix:permissions}) can be.
     */
    static Integer creationMode(FileAttribute<?>... attributes) {
        Integer mode = null;
        for (FileAttribute<?> attribute : attributes) {
            String name = attribute.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' cannot be set when creating a file;"
                        + " only posix:permissions can");
            }
            @SuppressWarnings("unchecked")
            Set<PosixFilePermission> permissions = (Set<PosixFilePermission>) attribute.value();
            mode = SandgateAttributes.mode(permissions);
        }
        return mode;
    }
}
