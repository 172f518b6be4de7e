package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Serving on the IPv6 loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Ipv6Test {
    @BeforeAll
    static void requireIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            Assumptions.assumeTrue(probe.getInetAddress() instanceof Inet6Address, "no IPv6 loopback");
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback on this machine: " + e);
        }
    }

    @Test
    void servesOnIpv6Loopback() throws Exception {
        try (Server server = Server.builder()
                .http("::1", 0)
                .routes(r -> r.get("/whoami", (req, res) ->
                        res.send(req.localAddress().getAddress().getHostAddress() + " "
                                + (req.remoteAddress().getAddress() instanceof Inet6Address))))
                .start();
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertInstanceOf(Inet6Address.class, server.addresses().getFirst().getAddress());

            HttpResponse<String> res = client.send(
                    HttpRequest.newBuilder(URI.create("http://[::1]:" + server.port() + "/whoami"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, res.statusCode());
            assertEquals("0:0:0:0:0:0:0:1 true", res.body());

            try (RawClient c = RawClient.connect(new InetSocketAddress(InetAddress.getByName("::1"), server.port()))) {
                c.send("GET /whoami HTTP/1.1\r\nHost: [::1]\r\n\r\n");
                assertEquals("0:0:0:0:0:0:0:1 true", c.read().text());
            }
        }
    }
}
