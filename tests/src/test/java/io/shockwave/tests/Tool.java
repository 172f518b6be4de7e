package io.shockwave.tests;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * An external client (curl, nghttp, h2load) run as a process. A missing tool fails the
 * test rather than skipping it: CI installs them all.
 */
final class Tool {
    /** What a run left behind. */
    record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private final Path path;

    private Tool(Path path) {
        this.path = path;
    }

    @Override
    public String toString() {
        return path.toString();
    }

    static Tool find(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, name));
            }
        }
        candidates.add(Path.of("/usr/bin", name));
        candidates.add(Path.of("/usr/sbin", name)); // haproxy, nginx
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return new Tool(p);
            }
        }
        return fail(name + " is required for the interop tests and was not found on PATH, in /usr/bin or /usr/sbin");
    }

    /** Runs the tool with {@code args}, for at most {@code seconds}; its output is kept in files under {@code dir}. */
    Run run(Path dir, int seconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", "");
        Path err = Files.createTempFile(dir, "stderr", "");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(path.getFileName() + " did not finish in " + seconds + " s: " + command);
        }
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }
}
