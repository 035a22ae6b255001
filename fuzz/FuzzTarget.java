import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one {@code @FuzzTest} method ({@code Class#method}) through the JUnit Platform, as surefire would, in a JVM of
 * its own (Jazzer fuzzes only the first fuzz test of a JVM): {@code fuzz/run} starts it with the module's test class
 * path (which holds the JUnit launcher, through jazzer-junit) and JAZZER_FUZZ set, from the module's directory, so
 * that Jazzer writes a crashing input under that module's {@code src/test/resources}. Exits 1 if the target failed
 * (a crash) or was not found.
 */
public final class FuzzTarget {
    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].contains("#")) {
            System.err.println("usage: FuzzTarget fully.qualified.Class#method");
            System.exit(2);
        }
        String className = args[0].substring(0, args[0].indexOf('#'));
        String methodName = args[0].substring(args[0].indexOf('#') + 1);
        Class<?> type = Class.forName(className);
        List<Method> methods = Arrays.stream(type.getDeclaredMethods())
                .filter(method -> method.getName().equals(methodName))
                .collect(Collectors.toList());
        if (methods.size() != 1) {
            System.err.println(args[0] + ": expected one method of that name, found " + methods.size());
            System.exit(1);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectMethod(type, methods.get(0)))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 100);
        boolean ran = summary.getTestsStartedCount() > 0;
        if (!ran) {
            System.err.println(args[0] + ": no test ran");
        }
        System.exit(ran && summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
