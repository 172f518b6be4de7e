package io.shockwave.tests;

import io.shockwave.runtime.Cookie;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.TrustedProxies;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cookies, forms and forwarded client information through real clients, on every protocol. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestApiTest {
    private static Server server;
    private static Server behindProxy;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .routes(r -> r
                        .get("/cookies", (req, res) -> {
                            res.cookie(Cookie.of("seen", Integer.toString(req.cookies().size())).withPath("/")
                                    .withHttpOnly(true).withSameSite(Cookie.SameSite.LAX));
                            res.cookie(Cookie.of("old", "").withMaxAge(Duration.ZERO));
                            res.send(req.cookies().toString());
                        })
                        .post("/form", (req, res) -> res.send(req.formParams() + " name=" + req.formParam("name")))
                        .post("/upload", (req, res) -> {
                            StringBuilder out = new StringBuilder();
                            io.shockwave.runtime.Multipart form = io.shockwave.runtime.Multipart.of(req);
                            for (io.shockwave.runtime.Multipart.Part p; (p = form.next()) != null; ) {
                                if (p.filename() == null) {
                                    out.append(p.name()).append('=').append(p.text()).append(' ');
                                } else {
                                    byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                                            .digest(p.body().readAllBytes());
                                    out.append(p.name()).append(':').append(p.filename()).append(':')
                                            .append(java.util.HexFormat.of().formatHex(digest)).append(' ');
                                }
                            }
                            res.send(out.toString().strip());
                        })
                        .get("/client", (req, res) ->
                                res.send(req.clientAddress().getHostAddress() + " " + req.scheme() + " " + req.host())))
                .start();
        behindProxy = Server.builder()
                .http("127.0.0.1", 0)
                .filter(TrustedProxies.of("127.0.0.0/8").withForwardedProto().withForwardedHost())
                .routes(r -> r.get("/client", (req, res) ->
                        res.send(req.clientAddress().getHostAddress() + " " + req.scheme() + " " + req.host())))
                .start();
    }

    @AfterAll
    static void stop() {
        for (Server s : new Server[] {server, behindProxy}) {
            if (s != null) {
                s.stop(Duration.ofSeconds(2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void cookiesAreReadAndSet(Protocol protocol) throws Exception {
        HttpResponse<String> r = Clients.send(server, protocol, request("/cookies").header("Cookie", "a=1; b=\"two\"; a=3"));
        assertEquals("{a=1, b=two}", r.body());
        assertEquals(List.of("seen=2; Path=/; HttpOnly; SameSite=Lax", "old=; Max-Age=0"), r.headers().allValues("set-cookie"));
    }

    /** RFC 9113 §8.2.3: a client may split the cookie into several fields; they are one to the handler. */
    @Test
    void cookieCrumbsOverHttp2AreJoined() throws Exception {
        Tool.Run r = Tool.find("nghttp").run(dir, 30, "-H", "cookie: a=1", "-H", "cookie: b=2; c=3",
                "http://127.0.0.1:" + server.port() + "/cookies");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("{a=1, b=2, c=3}", r.out());
    }

    @Test
    void formsOverHttp11AndHttp2() throws Exception {
        for (Protocol p : new Protocol[] {Protocol.HTTP_1_1, Protocol.HTTP_2}) {
            HttpResponse<String> r = Clients.send(server, p, request("/form")
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString("name=J%C3%BCrgen+M&tag=a&tag=b&empty=")));
            assertEquals("{name=[Jürgen M], tag=[a, b], empty=[]} name=Jürgen M", r.body());
            HttpResponse<String> other = Clients.send(server, p, request("/form")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals("{} name=null", other.body());
        }
    }

    /** curl -F over HTTP/1.1 and h2c: fields read as text, a 3 MiB file streamed through its part. */
    @Test
    void multipartUploads() throws Exception {
        byte[] file = new byte[3 * 1024 * 1024 + 5];
        new java.util.Random(3).nextBytes(file);
        Path upload = java.nio.file.Files.write(dir.resolve("photo.bin"), file);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file));
        for (String version : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
            Tool.Run r = Tool.find("curl").run(dir, 60, "-s", version, "-F", "title=holiday snaps", "-F",
                    "photo=@" + upload, "-F", "note=",
                    "http://127.0.0.1:" + server.port() + "/upload");
            assertEquals("title=holiday snaps photo:photo.bin:" + sha + " note=", r.out(), r.stderr());
            Tool.Run fields = Tool.find("curl").run(dir, 60, "-s", version, "-F", "name=Ada", "-F", "tag=x", "-F", "tag=y",
                    "-F", "photo=@" + upload, "http://127.0.0.1:" + server.port() + "/form");
            assertEquals("{name=[Ada], tag=[x, y]} name=Ada", fields.out());
        }
    }

    @Test
    void hostileFormsGetAClientError() throws Exception {
        HttpResponse<String> tooMany = Clients.send(server, Protocol.HTTP_1_1, request("/form")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a&".repeat(1001))));
        assertEquals(400, tooMany.statusCode());
        HttpResponse<String> tooLarge = Clients.send(server, Protocol.HTTP_1_1, request("/form")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=" + "x".repeat(1 << 20))));
        assertEquals(413, tooLarge.statusCode());
        HttpResponse<String> badEscape = Clients.send(server, Protocol.HTTP_1_1, request("/form")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=%zz")));
        assertEquals(400, badEscape.statusCode());
    }

    @Test
    void forwardedFieldsCountOnlyFromATrustedProxy() throws Exception {
        String[] forwarded = {"-H", "X-Forwarded-For: 6.6.6.6, 203.0.113.9", "-H", "X-Forwarded-Proto: https",
                "-H", "X-Forwarded-Host: shop.example"};
        Tool.Run trusted = curl(behindProxy, forwarded);
        assertEquals("203.0.113.9 https shop.example", trusted.out());
        Tool.Run untrusted = curl(server, forwarded);
        assertTrue(untrusted.out().startsWith("127.0.0.1 http 127.0.0.1:"), untrusted.out());
    }

    private Tool.Run curl(Server s, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "-s";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "http://127.0.0.1:" + s.port() + "/client";
        return Tool.find("curl").run(dir, 30, all);
    }
}
