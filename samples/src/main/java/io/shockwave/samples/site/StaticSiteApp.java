package io.shockwave.samples.site;

import io.shockwave.runtime.Compression;
import io.shockwave.runtime.Health;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.StaticFiles;
import io.shockwave.samples.SampleOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A static site: the files of {@code --dir DIR} (or, without it, the demo's own folder on the
 * class path) at {@code /}, gzipped for clients that accept it unless a {@code .gz} or
 * {@code .br} sibling is there already, cached for an hour, with ETags, ranges and
 * directory indexes; health endpoints under {@code /_health/}. On cleartext HTTP/1.1 the
 * files of a directory go out by {@code sendfile(2)} when not compressed on the fly.
 * Run it with {@code java -jar samples/target/shockwave-demo.jar static-site --dir ./public}.
 */
public final class StaticSiteApp {
    private StaticSiteApp() {
    }

    public static void main(String[] args) {
        SampleOptions options = SampleOptions.parse(args);
        Path dir = dir(options.rest());
        Server server = start(options.builder(), dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(5))));
        System.out.println("Static site " + (dir == null ? "(the demo's class path folder)" : dir.toAbsolutePath())
                + " on " + SampleOptions.urls(server));
    }

    private static Path dir(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--dir") && i + 1 < args.size()) {
                return Path.of(args.get(i + 1));
            }
            throw new IllegalArgumentException("unknown argument: " + args.get(i) + " (static-site takes --dir DIR)");
        }
        return null;
    }

    /** Serves {@code dir}, or the class path's {@code static} folder when it is null. */
    public static Server start(Server.Builder builder, Path dir) {
        StaticFiles files = (dir == null
                ? StaticFiles.fromClassPath(StaticSiteApp.class.getClassLoader(), "static")
                : StaticFiles.of(dir)).withCacheControl("public, max-age=3600");
        Health health = new Health();
        return builder
                .health(health)
                .filter(Compression.gzip())
                .routes(r -> r
                        .get("/_health/ready", health.ready())
                        .get("/_health/live", health.live())
                        .staticFiles("/", files))
                .start();
    }
}
