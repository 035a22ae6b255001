package dev.sandgate.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.LinkTree;
import com.sun.source.doctree.LiteralTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.doctree.ReturnTree;
import com.sun.source.doctree.TextTree;
import com.sun.source.doctree.ThrowsTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.DirectiveTree;
import com.sun.source.tree.ExportsTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModuleTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;

/**
 * Finds javadoc tags of a published API that teach the reader nothing: {@code @param n the n},
 * {@code @return the issue token} on {@code issueToken()}.
 *
 * <p>The rule, for each {@code @param}, {@code @return} (block or inline) and {@code @throws} tag: take the words of
 * its text (camelCase split, code spans and link labels read as their text, lower case), drop the filler words
 * ({@link #FILLER}: articles, "given", "value", "to", "of", "new", "is", ...), and compare what is left with the
 * words of the name the tag is about: the parameter's, the exception's simple name, or for {@code @return} the
 * method's without a leading get, is or with. If every word left is one of those (a plural "s" ignored), the tag
 * only restates the name. A tag with no text fails too, and so does one whose text ends at "e.g" or "i.e", as if
 * the example had been cut off.
 *
 * <p>Which tags: those of public and protected members (and of interface members) of public types, in the packages
 * a module's {@code module-info.java} exports (so no {@code internal} package). Sources are read with the JDK's own
 * javac parser (no dependency, no symbols resolved), which handles multi-line tag text and nested types.
 */
final class JavadocTags {
    /** Words that say nothing about what a name means: a tag made only of these and the name restates the name. */
    static final Set<String> FILLER = Set.of("a", "an", "the", "this", "that", "its", "it", "is", "be", "are",
            "given", "specified", "value", "to", "of", "for", "on", "in", "and", "or", "new", "whether", "if", "when",
            "thrown", "return", "returns", "object", "instance");

    private static final Pattern CAMEL_CASE = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");
    private static final Pattern CUT_OFF = Pattern.compile("(?i)(^|\\W)(e\\.g|i\\.e)\\.?$");
    private static final Set<String> RETURN_PREFIXES = Set.of("get", "is", "with");

    /** What one module's scan found: how many tags it read, and those that fail the rule. */
    record Scan(int tagsRead, List<Finding> findings) {
    }

    /** One tag that fails the rule, where it is and why. */
    record Finding(Path file, long line, String tag, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + tag + " (" + reason + ")";
        }
    }

    private JavadocTags() {
    }

    /**
     * Tells why a tag's text fails the rule.
     *
     * @param name the parameter name, the exception's simple name, or the method name for {@code @return}
     * @param text the tag's text, as a reader sees it (no markup)
     * @param isReturn true for {@code @return}, whose name loses a leading get, is or with
     * @return the reason the tag fails, or null when it says something of its own
     */
    static String problem(String name, String text, boolean isReturn) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return "no text";
        }
        if (CUT_OFF.matcher(trimmed).find()) {
            return "cut off after e.g or i.e";
        }
        List<String> nameWords = words(name);
        if (isReturn && nameWords.size() > 1 && RETURN_PREFIXES.contains(nameWords.get(0))) {
            nameWords = nameWords.subList(1, nameWords.size());
        }
        Set<String> own = nameWords.stream().map(JavadocTags::singular).collect(Collectors.toSet());
        boolean restates = words(trimmed).stream()
                .filter(w -> !FILLER.contains(w))
                .allMatch(w -> own.contains(singular(w)));
        return restates ? "only restates " + name : null;
    }

    /**
     * Checks the main sources of one Maven module.
     *
     * @param sourceRoot a module's {@code src/main/java}; its {@code module-info.java} names the exported packages
     * @return how many tags were read (0 would mean the scan saw no API), and the failing ones in the order of the
     *         files and lines
     * @throws IOException if a source cannot be listed or read
     */
    static Scan check(Path sourceRoot) throws IOException {
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(sourceRoot)) {
            sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) javac.getTask(null, files, null, List.of("-proc:none"), null,
                    files.getJavaFileObjectsFromPaths(sources));
            DocTrees trees = DocTrees.instance(task);
            List<CompilationUnitTree> units = new ArrayList<>();
            task.parse().forEach(units::add);
            Set<String> exported = exportedPackages(units);
            List<Finding> findings = new ArrayList<>();
            int tagsRead = 0;
            for (CompilationUnitTree unit : units) {
                if (unit.getPackageName() != null && exported.contains(unit.getPackageName().toString())) {
                    Scanner scanner = new Scanner(unit, trees, findings);
                    scanner.scan(unit, true);
                    tagsRead += scanner.tagsRead;
                }
            }
            return new Scan(tagsRead, findings);
        }
    }

    private static Set<String> exportedPackages(List<CompilationUnitTree> units) {
        ModuleTree module = units.stream().map(CompilationUnitTree::getModule).filter(m -> m != null)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no module-info.java among the sources"));
        Set<String> exported = new HashSet<>();
        for (DirectiveTree directive : module.getDirectives()) {
            if (directive instanceof ExportsTree exports && exports.getModuleNames() == null) {
                exported.add(exports.getPackageName().toString());
            }
        }
        return exported;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[^A-Za-z0-9]+"))
                .flatMap(CAMEL_CASE::splitAsStream)
                .filter(w -> !w.isEmpty())
                .map(w -> w.toLowerCase(Locale.ROOT))
                .toList();
    }

    private static String singular(String word) {
        return word.length() > 3 && word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
    }

    /** Visits the declarations a reader of the API sees; the argument says whether the enclosing type is one. */
    private static final class Scanner extends TreePathScanner<Void, Boolean> {
        private final CompilationUnitTree unit;
        private final DocTrees trees;
        private final List<Finding> findings;
        private boolean inInterface;
        private int tagsRead;

        Scanner(CompilationUnitTree unit, DocTrees trees, List<Finding> findings) {
            this.unit = unit;
            this.trees = trees;
            this.findings = findings;
        }

        @Override
        public Void visitClass(ClassTree type, Boolean enclosingVisible) {
            boolean topLevel = getCurrentPath().getParentPath().getLeaf() instanceof CompilationUnitTree;
            boolean visible = topLevel ? type.getModifiers().getFlags().contains(Modifier.PUBLIC)
                    : enclosingVisible && visibleMember(type.getModifiers().getFlags());
            if (!visible) {
                return null;
            }
            checkTags(null);
            boolean outer = inInterface;
            inInterface = type.getKind() == Tree.Kind.INTERFACE || type.getKind() == Tree.Kind.ANNOTATION_TYPE;
            try {
                for (Tree member : type.getMembers()) {
                    scan(member, true);
                }
            } finally {
                inInterface = outer;
            }
            return null;
        }

        @Override
        public Void visitMethod(MethodTree method, Boolean enclosingVisible) {
            if (visibleMember(method.getModifiers().getFlags())) {
                checkTags(method.getName().toString());
            }
            return null;                                    // a body's anonymous classes are not API
        }

        @Override
        public Void visitVariable(VariableTree field, Boolean enclosingVisible) {
            return null;                                    // fields carry no tags this rule reads
        }

        private boolean visibleMember(Set<Modifier> flags) {
            return flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED)
                    || inInterface && !flags.contains(Modifier.PRIVATE);
        }

        private void checkTags(String methodName) {
            DocCommentTree doc = trees.getDocCommentTree(getCurrentPath());
            if (doc == null) {
                return;
            }
            for (DocTree tag : doc.getFullBody()) {
                if (tag instanceof ReturnTree inline) {
                    check(doc, tag, "{@return}", methodName, inline.getDescription(), true);
                }
            }
            for (DocTree tag : doc.getBlockTags()) {
                if (tag instanceof ParamTree param) {
                    String name = param.getName().getName().toString();
                    check(doc, tag, "@param " + name, name, param.getDescription(), false);
                } else if (tag instanceof ReturnTree ret) {
                    check(doc, tag, "@return", methodName, ret.getDescription(), true);
                } else if (tag instanceof ThrowsTree thrown) {
                    String exception = thrown.getExceptionName().getSignature();
                    String simpleName = exception.substring(exception.lastIndexOf('.') + 1);
                    check(doc, tag, "@throws " + simpleName, simpleName, thrown.getDescription(), false);
                }
            }
        }

        private void check(DocCommentTree doc, DocTree tag, String label, String name, List<? extends DocTree> body,
                boolean isReturn) {
            tagsRead++;
            String text = plainText(body);
            String problem = problem(name == null ? "" : name, text, isReturn);
            if (problem != null) {
                long position = trees.getSourcePositions().getStartPosition(unit, doc, tag);
                long line = unit.getLineMap().getLineNumber(position);
                findings.add(new Finding(Path.of(unit.getSourceFile().toUri()), line, label + " " + text, problem));
            }
        }
    }

    /** The text of a tag's description as a reader sees it: code and link labels kept, HTML markup dropped. */
    private static String plainText(List<? extends DocTree> body) {
        StringBuilder text = new StringBuilder();
        for (DocTree part : body) {
            if (part instanceof TextTree plain) {
                text.append(plain.getBody());
            } else if (part instanceof LiteralTree literal) {
                text.append(literal.getBody().getBody());
            } else if (part instanceof LinkTree link) {
                List<? extends DocTree> label = link.getLabel();
                text.append(label.isEmpty() ? link.getReference().getSignature() : plainText(label));
            } else {
                text.append(' ');
            }
        }
        return text.toString().replaceAll("\\s+", " ").strip();
    }
}
