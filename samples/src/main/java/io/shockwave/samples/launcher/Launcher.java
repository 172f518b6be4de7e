package io.shockwave.samples.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Starts the jar's real main class on Java 25 or newer. When the {@code java} that ran
 * the jar is older (a stock Debian 12 has 17 on the PATH), it finds a JDK 25 in
 * {@code $JAVA_HOME} or {@code /usr/lib/jvm} and runs the jar again with it, so
 * {@code java -jar shockwave-demo.jar} works as written. A first argument of {@code rest},
 * {@code sse}, {@code static-site} or {@code demo} picks that sample app. Compiled for Java 17.
 */
public final class Launcher {
    private static final int REQUIRED = 25;
    /** The sample apps the jar holds, by the name that picks one as the first argument. */
    private static final java.util.Map<String, String> SAMPLES = java.util.Map.of(
            "demo", "io.shockwave.samples.demo.DemoApp",
            "rest", "io.shockwave.samples.rest.RestApp",
            "sse", "io.shockwave.samples.sse.SseApp",
            "static-site", "io.shockwave.samples.site.StaticSiteApp");

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Runtime.version().feature() >= REQUIRED) {
            String mainClass = mainClass(jar);
            String[] appArgs = args;
            // java -jar shockwave-demo.jar rest|sse|static-site|demo [options]: one of the sample apps.
            if (args.length > 0 && SAMPLES.containsKey(args[0])) {
                mainClass = SAMPLES.get(args[0]);
                appArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
            }
            Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) appArgs);
            return;
        }
        Path java = findJava();
        if (java == null) {
            System.err.println("Shockwave needs Java " + REQUIRED + " or newer; this is Java "
                    + Runtime.version().feature() + " and none was found in JAVA_HOME or /usr/lib/jvm.");
            System.exit(1);
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            child.destroy();
            try {
                child.waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        System.exit(child.waitFor());
    }

    private static String mainClass(Path jar) throws IOException {
        if (Files.isRegularFile(jar)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                String main = file.getManifest().getMainAttributes().getValue(new Attributes.Name("Shockwave-Main"));
                if (main != null) {
                    return main;
                }
            }
        }
        return "io.shockwave.samples.demo.DemoApp";
    }

    /** The newest JDK of at least the required version: JAVA_HOME first, then /usr/lib/jvm. */
    static Path findJava() throws IOException {
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && feature(Path.of(javaHome)) >= REQUIRED) {
            return Path.of(javaHome, "bin", "java");
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        Path best = null;
        int bestVersion = 0;
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : (Iterable<Path>) homes::iterator) {
                int v = feature(home);
                if (v >= REQUIRED && v > bestVersion && Files.isExecutable(home.resolve("bin/java"))) {
                    best = home.resolve("bin/java");
                    bestVersion = v;
                }
            }
        }
        return best;
    }

    /** The feature version a JDK's {@code release} file names, or 0. */
    private static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return 0;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String first = v.split("[.+-]")[0];
        try {
            return Integer.parseInt(first);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
