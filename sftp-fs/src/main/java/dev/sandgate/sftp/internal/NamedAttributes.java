package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.attribute.FileAttributeView;
import java.util.Map;

/**
 * A view's attributes by name, as the string forms of {@code Files.readAttributes(path, "posix:permissions,size")}
 * and {@code Files.setAttribute(path, "posix:permissions", value)} reach them once {@link AttributeViews} has taken
 * the view's name off.
 */
interface NamedAttributes extends FileAttributeView {
    /**
     * Reads the attributes named in {@code names} ({@code "size,permissions"}, or {@code "*"} for all).
     *
     * @throws IllegalArgumentException a name the view does not have
     */
    Map<String, Object> read(String names) throws IOException;

    /**
     * Sets one attribute.
     *
     * @throws IllegalArgumentException a name the view does not have, or cannot set
     * @throws ClassCastException       a value of another type than the attribute's
     */
    void set(String name, Object value) throws IOException;
}
