package dev.sandgate.sftp.internal;

import java.nio.file.PathMatcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code glob:} and {@code regex:} path matchers, with the glob syntax of {@link java.nio.file.FileSystem#getPathMatcher}. */
final class Globs {
    private static final String REGEX_META = ".^$+{[]|()\\";

    private Globs() {
    }

    static PathMatcher matcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a matcher is written syntax:pattern, e.g. glob:*.txt; got '"
                    + syntaxAndPattern + "'");
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        Pattern compiled;
        if (syntax.equalsIgnoreCase("glob")) {
            compiled = Pattern.compile(toRegex(pattern));
        } else if (syntax.equalsIgnoreCase("regex")) {
            compiled = Pattern.compile(pattern);
        } else {
            throw new UnsupportedOperationException("the matcher syntax '" + syntax + "' is not supported; use glob or regex");
        }
        return path -> compiled.matcher(path.toString()).matches();
    }

    /** Translates a glob into a regular expression over '/'-separated path strings. */
    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder("^");
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '\\':
                    if (++i == glob.length()) {
                        throw new PatternSyntaxException("a glob may not end with an escape", glob, i - 1);
                    }
                    appendLiteral(regex, glob.charAt(i));
                    break;
                case '*':
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                    break;
                case '?':
                    regex.append("[^/]");
                    break;
                case '{':
                    if (inGroup) {
                        throw new PatternSyntaxException("groups may not nest", glob, i);
                    }
                    regex.append("(?:(?:");
                    inGroup = true;
                    break;
                case '}':
                    if (inGroup) {
                        regex.append("))");
                        inGroup = false;
                    } else {
                        regex.append("\\}");
                    }
                    break;
                case ',':
                    regex.append(inGroup ? ")|(?:" : ",");
                    break;
                case '[':
                    i = appendBracket(glob, i, regex);
                    break;
                default:
                    appendLiteral(regex, c);
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("a group is not closed", glob, glob.length());
        }
        return regex.append('$').toString();
    }

    private static int appendBracket(String glob, int start, StringBuilder regex) {
        int i = start + 1;
        regex.append("[[^/]&&[");
        if (i < glob.length() && glob.charAt(i) == '!') {
            regex.append('^');
            i++;
        } else if (i < glob.length() && glob.charAt(i) == '^') {
            regex.append("\\^");
            i++;
        }
        boolean closed = false;
        for (; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == ']') {
                closed = true;
                break;
            }
            if (c == '/') {
                throw new PatternSyntaxException("'/' may not appear in a bracket expression", glob, i);
            }
            if (c == '\\' || c == '[' || c == '&' || (c == '^')) {
                regex.append('\\');
            }
            regex.append(c);
        }
        if (!closed) {
            throw new PatternSyntaxException("a bracket expression is not closed", glob, start);
        }
        regex.append("]]");
        return i;
    }

    private static void appendLiteral(StringBuilder regex, char c) {
        if (REGEX_META.indexOf(c) >= 0 || c == '*' || c == '?' || c == '}' || c == ',') {
            regex.append('\\');
        }
        regex.append(c);
    }
}
