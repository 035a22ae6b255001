package dev.sandgate.sftp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The attribute names a string form asks of a view, checked against the names the view has, as the JDK checks them. */
final class RequestedAttributes {
    private RequestedAttributes() {
    }

    /**
     * The names in {@code requested} ({@code "size,permissions"}, {@code "*"} for all) in the order of {@code known},
     * before anything is read, so that a bad name costs no request.
     */
    static List<String> of(String view, String requested, List<String> known) {
        Set<String> wanted = new HashSet<>(Arrays.asList(requested.split(",")));
        boolean all = wanted.remove("*");
        for (String attribute : wanted) {
            if (!known.contains(attribute)) {
                throw new IllegalArgumentException("'" + attribute + "' is not an attribute of the " + view + " view");
            }
        }
        List<String> chosen = new ArrayList<>();
        for (String attribute : known) {
            if (all || wanted.contains(attribute)) {
                chosen.add(attribute);
            }
        }
        return chosen;
    }

    /** The map {@code Files.readAttributes} returns: each name with its value, in order (and open to change). */
    static Map<String, Object> values(List<String> names, Function<String, Object> value) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, value.apply(name));
        }
        return values;
    }

    static IllegalArgumentException notSettable(String view, String attribute) {
        return new IllegalArgumentException("'" + attribute + "' cannot be set through the " + view + " view");
    }
}
